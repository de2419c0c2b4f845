/** Reading OpenStack notifications for event triggers: both forms, their context, and the message id. */
import { expect } from 'chai';
import { eventParams, parseNotification } from '../../../api/event-triggers/notification.js';

const inner = {
  message_id: 'm-1',
  publisher_id: 'compute.host1',
  event_type: 'compute.instance.create.end',
  priority: 'INFO',
  payload: { instance_id: 'i-1' },
  timestamp: '2026-12-03 10:00:00.000000',
  _context_project_id: 'p1',
  _context_user_id: 'u1',
};

describe('parseNotification', () => {
  it("reads oslo.messaging's envelope, with the _context_ keys as the context", () => {
    const body = Buffer.from(
      JSON.stringify({ 'oslo.version': '2.0', 'oslo.message': JSON.stringify(inner) }),
    );
    const r = parseNotification(body);
    expect(r.ok).to.equal(true);
    if (!r.ok) return;
    expect(r.notification).to.deep.include({ messageId: 'm-1', eventType: 'compute.instance.create.end' });
    expect(r.notification.context).to.deep.equal({ project_id: 'p1', user_id: 'u1' });
    expect(eventParams(r.notification)).to.include({
      service: 'compute.host1',
      project_id: 'p1',
      user_id: 'u1',
      timestamp: '2026-12-03 10:00:00.000000',
    });
  });

  it('reads the plain form, with a context object', () => {
    const body = Buffer.from(JSON.stringify({ event_type: 'e', payload: 1, context: { project_id: 'p2' } }));
    const r = parseNotification(body, 'amqp-id');
    expect(r.ok && r.notification).to.deep.include({ messageId: 'amqp-id', eventType: 'e', payload: 1 });
    expect(r.ok && r.notification.context).to.deep.equal({ project_id: 'p2' });
  });

  it('names a body without ids by its hash: the same bytes are the same message', () => {
    const body = Buffer.from(JSON.stringify({ event_type: 'e' }));
    const a = parseNotification(body);
    const b = parseNotification(Buffer.from(body));
    expect(a.ok && a.notification.messageId).to.match(/^sha256:[0-9a-f]{64}$/);
    expect(a.ok && b.ok && a.notification.messageId === b.notification.messageId).to.equal(true);
  });

  it('says why a body is not a notification', () => {
    const reason = (s: string) => {
      const r = parseNotification(Buffer.from(s));
      return r.ok ? null : r.reason;
    };
    expect(reason('nope')).to.match(/^not an OpenStack notification: the body is not JSON/);
    expect(reason('[1]')).to.match(/not a JSON object/);
    expect(reason('{"payload": {}}')).to.match(/no 'event_type'/);
    expect(reason('{"oslo.message": "{"}')).to.match(/'oslo.message' is not JSON/);
  });
});
