/**
 * The workbook `listeners:` section (Tramontane extension): each listener's shape (schema), the references of
 * its scope, its URLs, its filter and its payload, every problem located at its line and column.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { parseListenerInput } from '../../../delivery/index.js';
import * as rules from '../../../model/index.js';
import { issuesOf, parse, yaml } from './helpers.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** A workbook `wb` with workflows `main` (tasks t1, t2) and `other` (task o1), then the listeners given. */
function workbook(listeners: string): string {
  const head = yaml`
    version: '2.0'
    name: wb
    workflows:
      main:
        tasks:
          t1:
            action: std.noop
            on-success: t2
          t2:
            action: std.noop
      other:
        tasks:
          o1:
            action: std.noop
    listeners:
  `;
  return `${head}${listeners}`;
}

/** In `workbook(...)`, `listeners:` is line 15: the first listener is on line 16. */
describe('DSL: workbook listeners', () => {
  it('accepts every key of the REST body, and both transports', () => {
    const text = workbook(
      yaml`
      full:
        scope:
          workbook: wb
          workflow: wb.main
          task_name: t2
        events: [TASK, TASK_FAILED]
        filter: <% $.state = 'ERROR' %>
        transport:
          type: http
          url: https://hooks.example.test/tram
          method: PUT
          headers:
            X-Team: ops
          timeout_ms: 5000
        format: template
        payload:
          text: "{{ _.event }} of {{ _.task_name }}"
        retry: [0, 5, 60.5]
        status:
          enabled: true
          timeout_s: 300
        secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
        enabled: false
      queue:
        transport:
          type: amqp
          url: amqps://broker.example.test
          exchange: tram.events
          routing_key: wb.all
        format: cloudevents
      short:
        url: http://127.0.0.1:8080/hook
        filter: $.entity = 'task' and $.state in list('ERROR', 'CANCELLED')
      default_broker:
        transport: { type: amqp }
    `.replace(/^/gm, '  '),
    );
    expect(issuesOf(text)).to.deep.equal([]);
    const doc = parse(text);
    expect(Object.keys(doc.listeners!)).to.deep.equal(['full', 'queue', 'short', 'default_broker']);
    expect(doc.listeners!['full']).to.deep.include({
      name: 'full',
      scope: { workbook: 'wb', workflow: 'wb.main', task_name: 't2' },
      retry: [0, 5, 60.5],
      status: { enabled: true, timeout_s: 300 },
    });
    expect(doc.listeners!['default_broker']).to.deep.equal({
      name: 'default_broker',
      transport: { type: 'amqp' },
      scope: { workbook: 'wb' },
    });
    // What the DSL accepts, the API accepts: the bodies post as they are.
    for (const body of Object.values(doc.listeners!)) expect(() => parseListenerInput(body)).not.to.throw();
  });

  it('reports problems of shape at the key or value concerned', () => {
    const text = workbook(
      yaml`
      bad:
        events: [EXECUTION, TASK_FAIL]
        transport: { type: smtp }
        format: xml
        retry: [5, -1]
        status: { timeout_s: 0 }
        secret: hunter2
        descripton: x
      http_without_url:
        transport:
          type: http
          method: GET
      amqp_with_http_key:
        transport: { type: amqp, headers: {} }
      limits:
        transport:
          type: http
          url: http://a.test
          timeout_ms: 50
          headers:
            'Bad Header': x
        status: { enabled: true, timeout_s: 1.5 }
        retry: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]
        secret: whsec_c2hvcnQ=
    `.replace(/^/gm, '  '),
    );
    expect(issuesOf(text)).to.deep.equal([
      "17:25 listener 'bad': 'events[1]' must be 'EXECUTION', 'TASK' or an event type such as 'TASK_FAILED'",
      "18:24 listener 'bad': 'transport.type' must be 'http' or 'amqp'",
      "19:13 listener 'bad': 'format' must be 'mistral', 'cloudevents' or 'template'",
      "20:16 listener 'bad': 'retry[1]' must be a delay in seconds from 0 to 86400 (one day)",
      "21:5 listener 'bad': 'status' needs 'enabled'",
      "21:26 listener 'bad': 'status.timeout_s' must be a whole number of seconds from 1 to 604800 (7 days)",
      "22:13 listener 'bad': 'secret' must be 'whsec_' followed by the base64 of 24 to 64 random bytes",
      "23:5 unknown key 'descripton' in listener 'bad'",
      "25:5 listener 'http_without_url': 'transport' needs 'url'",
      "27:15 listener 'http_without_url': 'transport.method' must be 'POST', 'PUT' or 'PATCH'",
      "29:30 unknown key 'headers' in listener 'amqp_with_http_key': 'transport'",
      "34:19 listener 'limits': 'transport.timeout_ms' must be a whole number of milliseconds from 100 to 60000",
      "36:9 listener 'limits': 'transport.headers': invalid name 'Bad Header' (use letters, digits, '_' and '-')",
      "37:41 listener 'limits': 'status.timeout_s' must be a whole number of seconds from 1 to 604800 (7 days)",
      "38:5 listener 'limits': 'retry' must be a list of at most 20 delays in seconds (numbers ≥ 0)",
      "39:13 listener 'limits': 'secret' must be 'whsec_' followed by the base64 of 24 to 64 random bytes",
    ]);
  });

  it('needs url or transport, not both, each a URL of its kind', () => {
    const text = workbook(
      yaml`
      nowhere:
        events: [EXECUTION]
      both:
        url: http://a.test
        transport: { type: amqp }
      ftp:
        url: ftp://files.test/x
      relative:
        transport: { type: http, url: /hook }
      broker:
        transport: { type: amqp, url: http://broker.test }
    `.replace(/^/gm, '  '),
    );
    expect(issuesOf(text)).to.deep.equal([
      "16:3 listener 'nowhere' needs 'url' (an HTTP webhook) or a 'transport'",
      "19:5 listener 'both': give 'url' or 'transport', not both",
      "22:10 listener 'ftp': 'url' must be an http:// or https:// URL",
      "24:35 listener 'relative': 'transport.url' must be an http:// or https:// URL",
      "26:35 listener 'broker': 'transport.url' must be an amqp:// or amqps:// URL",
    ]);
  });

  it('checks that the scope names this workbook, a workflow of it and a task of that workflow', () => {
    const text = workbook(
      yaml`
      a:
        url: http://a.test
        scope: { workbook: wb2, workflow: mian }
      b:
        url: http://a.test
        scope: { workflow: other, task_name: t1 }
      c:
        url: http://a.test
        scope: { task_name: t3 }
      d:
        url: http://a.test
        scope: { workflow: wb.other, task_name: o1 }
        events: [EXECUTION, WORKFLOW_FAILED]
      e:
        url: http://a.test
        scope: { workflow: elsewhere.main }
    `.replace(/^/gm, '  '),
    );
    expect(issuesOf(text)).to.deep.equal([
      "18:24 listener 'a': 'scope.workbook' must be this workbook ('wb') or left out",
      "18:39 listener 'a': 'scope.workflow': unknown workflow 'mian' of workbook 'wb' (did you mean 'main'?)",
      "21:42 listener 'b': 'scope.task_name': no task 't1' in workflow 'other' (did you mean 'o1'?)",
      "24:25 listener 'c': 'scope.task_name': no task 't3' in the workflows of workbook 'wb' (did you mean 't1'?)",
      "28:5 listener 'd': execution events never match a scope with 'task_name': select 'TASK' or task event types",
      "31:24 listener 'e': 'scope.workflow': unknown workflow 'elsewhere.main' of workbook 'wb'",
    ]);
  });

  it('checks the filter as one YAQL expression, bare or delimited, and the payload expressions', () => {
    const text = workbook(
      yaml`
      a:
        url: http://a.test
        filter: $.state = = 'ERROR'
      b:
        url: http://a.test
        filter: "<% $.state = %>"
      c:
        url: http://a.test
        filter: "{{ _.state == 'ERROR' }}"
      d:
        url: http://a.test
        format: template
        payload:
          text: <% $.event + %>
      e:
        url: http://a.test
        format: template
    `.replace(/^/gm, '  '),
    );
    expect(issuesOf(text)).to.deep.equal([
      "18:23 listener 'a': 'filter': YAQL syntax error: Unexpected '='",
      "21:27 listener 'b': 'filter': YAQL syntax error: Unexpected end of expression",
      "24:14 listener 'c': 'filter' must be one YAQL expression, written bare or in <% %>",
      "29:26 listener 'd': 'payload.text': YAQL syntax error: Unexpected end of expression",
      "32:5 listener 'e': format 'template' needs a 'payload'",
    ]);
  });

  it('reports a listeners section of the wrong shape, bad names and duplicates', () => {
    expect(issuesOf(workbook('  - url: http://a.test\n'))).to.deep.equal([
      "15:1 workbook: 'listeners' must be a mapping of listener names to listeners",
    ]);
    const text = workbook(
      yaml`
      'a b':
        url: http://a.test
      c:
        url: http://a.test
      c:
        url: http://b.test
    `.replace(/^/gm, '  '),
    );
    expect(issuesOf(text)).to.deep.equal([
      "16:3 workbook: 'listeners': invalid name 'a b' (use letters, digits, '_' and '-')",
      "20:3 duplicate listener 'c' (first defined at line 18)",
    ]);
  });

  it('is described in the schema shipped for editors', () => {
    const schema = JSON.parse(
      fs.readFileSync(path.join(ROOT, 'dsl/workflow-language.schema.json'), 'utf8'),
    ) as { definitions: Record<string, { properties?: Record<string, unknown> }> };
    expect(Object.keys(schema.definitions['listener']!.properties!).sort()).to.deep.equal(
      [
        'enabled',
        'events',
        'filter',
        'format',
        'payload',
        'retry',
        'scope',
        'secret',
        'status',
        'transport',
        'url',
      ].sort(),
    );
  });

  it('states in the schema shipped for editors the rules the server applies (model/listener-rules.ts)', () => {
    interface Node {
      enum?: unknown[];
      pattern?: string;
      errorMessage?: string;
      minimum?: number;
      maximum?: number;
      maxItems?: number;
      properties?: Record<string, Node>;
      items?: Node;
      propertyNames?: Node;
    }
    const defs = (
      JSON.parse(fs.readFileSync(path.join(ROOT, 'dsl/workflow-language.schema.json'), 'utf8')) as {
        definitions: Record<string, Node>;
      }
    ).definitions;
    const listener = defs['listener']!.properties!;
    const http = defs['httpTransport']!.properties!;
    const bounds = (n: Node) => [n.minimum, n.maximum];
    expect(defs['eventSelector']!.enum).to.deep.equal(rules.EVENT_SELECTORS);
    expect(listener['format']!.enum).to.deep.equal(rules.LISTENER_FORMATS);
    expect(defs['transport']!.properties!['type']!.enum).to.deep.equal(rules.TRANSPORT_TYPES);
    expect(http['method']!.enum).to.deep.equal(rules.HTTP_METHODS);
    expect(bounds(http['timeout_ms']!)).to.deep.equal([rules.HTTP_TIMEOUT_MS.min, rules.HTTP_TIMEOUT_MS.max]);
    expect(http['headers']!.propertyNames!.pattern).to.equal(rules.HEADER_NAME.source);
    expect(listener['retry']!.maxItems).to.equal(rules.MAX_RETRIES);
    expect(bounds(listener['retry']!.items!)).to.deep.equal([0, rules.MAX_RETRY_DELAY_S]);
    const timeout = listener['status']!.properties!['timeout_s']!;
    expect(bounds(timeout)).to.deep.equal([rules.STATUS_TIMEOUT_S.min, rules.STATUS_TIMEOUT_S.max]);
    expect(listener['secret']!.pattern).to.equal(rules.SECRET_FORM.source);
    expect(listener['secret']!.errorMessage).to.equal(rules.SECRET_RULE);
  });

  it('accepts the example workbook workbooks/listeners.yaml', () => {
    const text = fs.readFileSync(path.join(ROOT, 'workbooks/listeners.yaml'), 'utf8');
    expect(issuesOf(text)).to.deep.equal([]);
    const doc = parse(text);
    const bodies = Object.values(doc.listeners ?? {});
    expect(
      bodies.map((b) => (b['transport'] as { type?: string } | undefined)?.type ?? 'http'),
    ).to.have.members(['http', 'amqp']);
    for (const body of bodies) expect(() => parseListenerInput(body)).not.to.throw();
  });
});
