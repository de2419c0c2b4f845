/** What a delivery carries: the body in the listener's format, its content type and the describing headers. */
import { expect } from 'chai';
import { CLOUDEVENTS_SOURCE, formatMessage, mistralBody, mistralJson } from '../../../delivery/format.js';
import { executionEvent, makeDelivery, makeListener, taskEvent, T0 } from './helpers.js';

const amqpTransport = {
  type: 'amqp' as const,
  url: null,
  exchange: 'tram.events',
  routingKey: null,
};

function parse(body: string): Record<string, unknown> {
  const v: unknown = JSON.parse(body);
  expect(v).to.be.an('object');
  return v as Record<string, unknown>;
}

describe('delivery format', () => {
  describe('mistral', () => {
    it('is the Mistral payload plus event_id, sequence and previous_state', () => {
      const ev = taskEvent();
      const msg = formatMessage(ev, makeListener(), makeDelivery(), 'http');
      expect(msg.contentType).to.equal('application/json');
      expect(parse(msg.body)).to.deep.equal({
        ...ev.payload,
        event_id: 7,
        sequence: 3,
        previous_state: 'RUNNING',
      });
    });

    it('keeps a null previous_state (a new task)', () => {
      const ev = taskEvent({ previousState: null, eventType: 'TASK_LAUNCHED', state: 'RUNNING' });
      expect(parse(formatMessage(ev, makeListener(), makeDelivery(), 'http').body)).to.include({
        previous_state: null,
      });
    });

    it('a listener from params.notify gets the payload unchanged, field for field', () => {
      const ev = executionEvent();
      const l = makeListener({ origin: 'notify', owner: 'ex-1' });
      const body = parse(formatMessage(ev, l, makeDelivery({ eventId: 8 }), 'http').body);
      expect(body).to.deep.equal(ev.payload);
      expect(Object.keys(body)).to.deep.equal(Object.keys(ev.payload));
      expect(body).not.to.have.any.keys('event_id', 'sequence', 'previous_state');
      expect(mistralBody(ev, l)).to.deep.equal(ev.payload);
    });

    it('is the exact bytes of the body object encoded (fields appended to the payload text), whatever the payload', () => {
      const cases = [
        taskEvent(),
        taskEvent({ previousState: null }),
        executionEvent(),
        taskEvent({ payload: {} }),
        // A payload with one of the fields already: replaced where it stands, as the object spread does.
        taskEvent({ payload: { a: 1, sequence: 'x', b: 'é"\n' } }),
      ];
      for (const ev of cases)
        for (const l of [makeListener(), makeListener({ origin: 'notify', owner: 'ex-1' })])
          expect(mistralJson(ev, l)).to.equal(JSON.stringify(mistralBody(ev, l)));
    });

    it('does not change the event payload', () => {
      const ev = taskEvent();
      const before = JSON.stringify(ev.payload);
      formatMessage(ev, makeListener(), makeDelivery(), 'http');
      expect(JSON.stringify(ev.payload)).to.equal(before);
    });

    it('is the same over AMQP', () => {
      const ev = taskEvent();
      const http = formatMessage(ev, makeListener(), makeDelivery(), 'http');
      const amqp = formatMessage(ev, makeListener({ transport: amqpTransport }), makeDelivery(), 'amqp');
      expect(amqp.body).to.equal(http.body);
      expect(amqp.contentType).to.equal('application/json');
    });
  });

  describe('cloudevents', () => {
    it('over HTTP is structured: the whole event as an application/cloudevents+json body', () => {
      const ev = taskEvent({ sequence: 42 });
      const msg = formatMessage(ev, makeListener({ format: 'cloudevents' }), makeDelivery(), 'http');
      expect(msg.contentType).to.equal('application/cloudevents+json');
      const body = parse(msg.body);
      expect(body).to.deep.equal({
        specversion: '1.0',
        id: '7',
        source: `/${CLOUDEVENTS_SOURCE}/executions/ex-1`,
        type: 'io.tramontane.task.task_failed',
        subject: 'task-1',
        time: new Date(T0).toISOString(),
        datacontenttype: 'application/json',
        sequence: '0000000042',
        rootexecutionid: 'ex-1',
        data: { ...ev.payload, event_id: 7, sequence: 42, previous_state: 'RUNNING' },
      });
      // The required attributes have the types CloudEvents asks for.
      expect(body.time).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(body.id).to.be.a('string');
    });

    it('zero-pads the sequence so that it sorts as a string', () => {
      const seq = (n: number) =>
        parse(
          formatMessage(
            taskEvent({ sequence: n }),
            makeListener({ format: 'cloudevents' }),
            makeDelivery(),
            'http',
          ).body,
        ).sequence as string;
      expect(seq(9)).to.equal('0000000009');
      expect(seq(10)).to.equal('0000000010');
      expect(seq(9) < seq(10)).to.equal(true);
    });

    it('types execution events as io.tramontane.execution.<type>', () => {
      const msg = formatMessage(
        executionEvent(),
        makeListener({ format: 'cloudevents' }),
        makeDelivery(),
        'http',
      );
      expect(parse(msg.body).type).to.equal('io.tramontane.execution.workflow_succeeded');
    });

    it('over AMQP is binary: the data as the body, the attributes as ce- headers', () => {
      const ev = taskEvent();
      const l = makeListener({ format: 'cloudevents', transport: amqpTransport });
      const msg = formatMessage(ev, l, makeDelivery(), 'amqp');
      expect(msg.contentType).to.equal('application/json');
      expect(parse(msg.body)).to.deep.equal({
        ...ev.payload,
        event_id: 7,
        sequence: 3,
        previous_state: 'RUNNING',
      });
      expect(msg.headers).to.include({
        'ce-specversion': '1.0',
        'ce-id': '7',
        'ce-source': '/tramontane/executions/ex-1',
        'ce-type': 'io.tramontane.task.task_failed',
        'ce-subject': 'task-1',
        'ce-time': new Date(T0).toISOString(),
        'ce-sequence': '0000000003',
        'ce-rootexecutionid': 'ex-1',
      });
      // The content type is the message's own property in the binary mode, not a ce- header.
      expect(msg.headers).not.to.have.property('ce-datacontenttype');
      // The event's own headers are there too.
      expect(msg.headers).to.include({ 'x-tram-event-type': 'TASK_FAILED' });
      // No attribute leaks into the body.
      expect(parse(msg.body)).not.to.have.any.keys('specversion', 'data');
    });

    it('a notify listener in cloudevents format carries the plain payload as data', () => {
      const ev = taskEvent();
      const l = makeListener({ format: 'cloudevents', origin: 'notify' });
      expect(parse(formatMessage(ev, l, makeDelivery(), 'http').body).data).to.deep.equal(ev.payload);
    });
  });

  describe('template', () => {
    it('renders the payload template over the event view (YAQL), nested values included', () => {
      const l = makeListener({
        format: 'template',
        payload: {
          kind: '<% $.event %>',
          text: 'task <% $.payload.name %> is <% $.state %>',
          nested: { ids: ['<% $.event_id %>', '<% $.execution_id %>'], fixed: 1, flag: true },
          task: '<% $.task_name %>',
          seq: '<% $.sequence %>',
        },
      });
      const msg = formatMessage(taskEvent(), l, makeDelivery(), 'http');
      expect(msg.contentType).to.equal('application/json');
      expect(parse(msg.body)).to.deep.equal({
        kind: 'TASK_FAILED',
        text: 'task fetch is ERROR',
        nested: { ids: [7, 'ex-1'], fixed: 1, flag: true },
        task: 'fetch',
        seq: 3,
      });
    });

    it('renders Jinja over `_` too', () => {
      const l = makeListener({ format: 'template', payload: { e: '{{ _.event }}' } });
      expect(parse(formatMessage(taskEvent(), l, makeDelivery(), 'http').body)).to.deep.equal({
        e: 'TASK_FAILED',
      });
    });

    it('a scalar template is a JSON scalar body; a null template is `null`', () => {
      const text = makeListener({ format: 'template', payload: '<% $.event %>' });
      expect(formatMessage(taskEvent(), text, makeDelivery(), 'http').body).to.equal('"TASK_FAILED"');
      const none = makeListener({ format: 'template', payload: null });
      expect(formatMessage(taskEvent(), none, makeDelivery(), 'http').body).to.equal('null');
    });

    it('throws when an expression fails (the sender records badPayload)', () => {
      const l = makeListener({ format: 'template', payload: { x: '<% int($.event) %>' } });
      expect(() => formatMessage(taskEvent(), l, makeDelivery(), 'http')).to.throw();
    });
  });

  describe('headers', () => {
    it('describe the event and the delivery', () => {
      const msg = formatMessage(taskEvent(), makeListener(), makeDelivery({ id: 'd-42' }), 'http');
      expect(msg.headers).to.deep.equal({
        'x-tram-event': 'task',
        'x-tram-event-type': 'TASK_FAILED',
        'x-tram-delivery': 'd-42',
        'x-tram-event-id': '7',
        'x-tram-sequence': '3',
        'x-tram-execution-id': 'ex-1',
      });
    });

    it('x-tram-status-id only when the delivery has a status', () => {
      const without = formatMessage(taskEvent(), makeListener(), makeDelivery({ statusId: null }), 'http');
      expect(without.headers).not.to.have.property('x-tram-status-id');
      const withStatus = formatMessage(
        taskEvent(),
        makeListener(),
        makeDelivery({ statusId: 'st-1' }),
        'http',
      );
      expect(withStatus.headers['x-tram-status-id']).to.equal('st-1');
    });

    it('an execution event is x-tram-event: execution', () => {
      const msg = formatMessage(executionEvent(), makeListener(), makeDelivery(), 'amqp');
      expect(msg.headers['x-tram-event']).to.equal('execution');
      expect(msg.headers['x-tram-event-type']).to.equal('WORKFLOW_SUCCEEDED');
    });

    it('every header value is a string', () => {
      for (const format of ['mistral', 'cloudevents', 'template'] as const) {
        for (const transport of ['http', 'amqp'] as const) {
          const msg = formatMessage(
            taskEvent(),
            makeListener({ format, payload: { a: 1 } }),
            makeDelivery({ statusId: 's' }),
            transport,
          );
          for (const [k, v] of Object.entries(msg.headers))
            expect(v, `${format}/${transport} ${k}`).to.be.a('string');
        }
      }
    });
  });

  describe('body', () => {
    it('is a string whose exact bytes parse back to what was meant (non-ASCII included)', () => {
      const ev = taskEvent({
        payload: { ...taskEvent().payload, state_info: 'échec: “timeout” ✗ \u2028 end', name: 'tâche' },
      });
      for (const format of ['mistral', 'cloudevents', 'template'] as const) {
        for (const transport of ['http', 'amqp'] as const) {
          const l = makeListener({ format, payload: { info: '<% $.payload.state_info %>' } });
          const msg = formatMessage(ev, l, makeDelivery(), transport);
          expect(msg.body).to.be.a('string');
          const bytes = Buffer.from(msg.body, 'utf8');
          const back = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
          expect(JSON.stringify(back), `${format}/${transport}`).to.equal(msg.body);
          const info =
            format === 'template'
              ? back.info
              : format === 'cloudevents' && transport === 'http'
                ? (back.data as Record<string, unknown>).state_info
                : back.state_info;
          expect(info, `${format}/${transport}`).to.equal('échec: “timeout” ✗ \u2028 end');
        }
      }
    });
  });
});
