/** Mistral's `params.notify` entries as listeners. */
import { expect } from 'chai';
import { NOTIFY_RETRY, notifyListenerId, notifyListeners } from '../../../delivery/notify-listeners.js';

const NOW = 1_700_000_000_000;

function secrets(): () => string {
  let n = 0;
  return () => `whsec_${++n}`;
}

describe('notifyListeners', () => {
  it('turns each webhook entry into a listener scoped to the execution tree', () => {
    const ls = notifyListeners(
      'ex-1',
      [
        {
          type: 'webhook',
          url: 'https://a.example.com/hook',
          headers: { 'X-Token': 'abc' },
          event_types: ['WORKFLOW_SUCCEEDED', 'TASK_FAILED'],
        },
      ],
      secrets(),
      NOW,
    );
    expect(ls).to.have.length(1);
    expect(ls[0]).to.deep.equal({
      id: 'notify-ex-1-0',
      name: 'notify:ex-1:0',
      origin: 'notify',
      owner: 'ex-1',
      scope: { executionId: 'ex-1' },
      events: ['WORKFLOW_SUCCEEDED', 'TASK_FAILED'],
      filter: null,
      transport: {
        type: 'http',
        url: 'https://a.example.com/hook',
        method: 'POST',
        headers: { 'X-Token': 'abc' },
        timeoutMs: 10000,
      },
      format: 'mistral',
      payload: null,
      retry: [...NOTIFY_RETRY],
      status: null,
      secret: 'whsec_1',
      enabled: true,
      disabledReason: null,
      health: { lastSuccessAt: null, lastFailureAt: null, firstFailureAt: null, failuresInRow: 0 },
      createdAt: NOW,
      updatedAt: NOW,
    });
  });

  it('derives stable ids from the execution id and the entry position', () => {
    const notify = [
      { type: 'webhook', url: 'https://a.example.com/1' },
      { type: 'webhook', url: 'https://a.example.com/2' },
    ];
    const first = notifyListeners('ex-9', notify, secrets(), NOW).map((l) => l.id);
    const again = notifyListeners('ex-9', notify, () => 'other', NOW + 5000).map((l) => l.id);
    expect(first).to.deep.equal(['notify-ex-9-0', 'notify-ex-9-1']);
    expect(again).to.deep.equal(first);
    expect(notifyListenerId('ex-9', 1)).to.equal('notify-ex-9-1');
  });

  it('skips non-webhook and url-less entries, keeping the position of the others in their ids', () => {
    const ls = notifyListeners(
      'ex-1',
      [
        { type: 'kombu', url: 'amqp://x' },
        { type: 'webhook' },
        { type: 'webhook', url: 42 },
        null,
        'webhook',
        { url: 'https://no-type.example.com' },
        { type: 'webhook', url: 'https://kept.example.com' },
      ],
      secrets(),
      NOW,
    );
    expect(ls.map((l) => [l.id, l.transport.type === 'http' ? l.transport.url : null])).to.deep.equal([
      ['notify-ex-1-6', 'https://kept.example.com'],
    ]);
  });

  it('no event_types (or a non-list) means every event', () => {
    const ls = notifyListeners(
      'ex-1',
      [
        { type: 'webhook', url: 'https://a.example.com' },
        { type: 'webhook', url: 'https://b.example.com', event_types: 'TASK_FAILED' },
        { type: 'webhook', url: 'https://c.example.com', event_types: [] },
      ],
      secrets(),
      NOW,
    );
    expect(ls.map((l) => l.events)).to.deep.equal([[], [], []]);
  });

  it('stringifies header values and ignores non-object headers', () => {
    const ls = notifyListeners(
      'ex-1',
      [
        {
          type: 'webhook',
          url: 'https://a.example.com',
          headers: { 'X-Num': 42, 'X-Bool': true, 'X-Null': null, 'X-Str': 's' },
        },
        { type: 'webhook', url: 'https://b.example.com', headers: 'Authorization: x' },
        { type: 'webhook', url: 'https://c.example.com', headers: null },
      ],
      secrets(),
      NOW,
    );
    const headers = ls.map((l) => (l.transport.type === 'http' ? l.transport.headers : null));
    expect(headers[0]).to.deep.equal({ 'X-Num': '42', 'X-Bool': 'true', 'X-Null': 'null', 'X-Str': 's' });
    expect(headers[1]).to.deep.equal({});
    expect(headers[2]).to.deep.equal({});
  });

  it('gives each listener its own secret and retry array', () => {
    const ls = notifyListeners(
      'ex-1',
      [
        { type: 'webhook', url: 'https://a.example.com' },
        { type: 'webhook', url: 'https://b.example.com' },
      ],
      secrets(),
      NOW,
    );
    expect(ls.map((l) => l.secret)).to.deep.equal(['whsec_1', 'whsec_2']);
    expect(ls[0]!.retry).not.to.equal(ls[1]!.retry);
    expect(ls[0]!.retry).not.to.equal(NOTIFY_RETRY);
  });

  it('a notify that is not a list gives no listeners', () => {
    for (const notify of [
      undefined,
      null,
      {},
      'https://a.example.com',
      42,
      { type: 'webhook', url: 'https://x' },
    ]) {
      expect(notifyListeners('ex-1', notify, secrets(), NOW), JSON.stringify(notify)).to.deep.equal([]);
    }
    expect(notifyListeners('ex-1', [], secrets(), NOW)).to.deep.equal([]);
  });
});
