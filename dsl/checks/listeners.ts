/**
 * Checks of a workbook's `listeners:` (Tramontane extension) beyond their shape (the schema's job): each one has
 * somewhere to deliver to (`url` or `transport`, not both) at a URL of the right kind, its scope names this
 * workbook and workflows and tasks of it, its selectors can match, its filter is one YAQL expression (bare or
 * in `<% %>`), its secret is long enough, and a `template` format has a payload. Strings of the payload are
 * checked as expressions by `checks/expressions.ts`. The rules are those of `model/listener-rules.ts`, which the
 * API applies to the same bodies.
 */
import {
  SECRET_FORM,
  SECRET_RULE,
  isExecutionSelector,
  isSigningSecret,
  isTransportUrl,
} from '../../model/index.js';
import { checkSyntax } from '../expressions/index.js';
import { resolveWorkflow } from '../resolve.js';
import type { ListenerBody, WorkflowSpec } from '../spec.js';
import type { Path } from '../source/paths.js';
import { isRecord } from '../source/paths.js';
import { isExpression, mayContainExpression, scanExpressions } from '../syntax/expr-scan.js';
import type { CheckContext } from './context.js';

export function checkListeners(c: CheckContext): void {
  for (const [name, body] of Object.entries(c.doc.listeners ?? {})) checkListener(c, name, body);
}

function checkListener(c: CheckContext, name: string, body: ListenerBody): void {
  const path: Path = ['listeners', name];
  const subject = c.sink.describe(path);
  checkTransport(c, path, subject, body);
  const scope = isRecord(body['scope']) ? body['scope'] : {};
  const workflows = checkScope(c, path, scope);
  checkTaskName(c, path, scope, workflows);
  if (typeof scope['task_name'] === 'string' && Array.isArray(body['events']) && body['events'].length > 0) {
    if (body['events'].every(isExecutionSelector)) {
      c.sink.at(
        [...path, 'events'],
        `${subject}: execution events never match a scope with 'task_name': select 'TASK' or task event types`,
      );
    }
  }
  if (typeof body['filter'] === 'string') checkFilter(c, [...path, 'filter'], body['filter']);
  if (typeof body['secret'] === 'string') checkSecret(c, [...path, 'secret'], body['secret']);
  if (body['format'] === 'template' && body['payload'] === undefined) {
    c.sink.at([...path, 'format'], `${subject}: format 'template' needs a 'payload'`);
  }
}

function checkTransport(c: CheckContext, path: Path, subject: string, body: ListenerBody): void {
  const { url, transport } = body;
  if (url !== undefined && transport !== undefined) {
    c.sink.at([...path, 'url'], `${subject}: give 'url' or 'transport', not both`);
    return;
  }
  if (url === undefined && transport === undefined) {
    c.sink.at(path, `${subject} needs 'url' (an HTTP webhook) or a 'transport'`);
    return;
  }
  if (typeof url === 'string') checkUrl(c, [...path, 'url'], url, 'http');
  if (isRecord(transport) && typeof transport['url'] === 'string') {
    if (transport['type'] === 'http') checkUrl(c, [...path, 'transport', 'url'], transport['url'], 'http');
    if (transport['type'] === 'amqp') checkUrl(c, [...path, 'transport', 'url'], transport['url'], 'amqp');
  }
}

function checkUrl(c: CheckContext, path: Path, url: string, kind: 'http' | 'amqp'): void {
  if (isTransportUrl(url, kind)) return;
  const want = kind === 'http' ? 'an http:// or https:// URL' : 'an amqp:// or amqps:// URL';
  c.sink.at(path, `${c.sink.describe(path)} must be ${want}`, 'value');
}

/** The workflows whose events the scope can match (all of the workbook's, or the one it names). */
function checkScope(c: CheckContext, path: Path, scope: Record<string, unknown>): WorkflowSpec[] {
  const wb = c.doc.name ?? '';
  const all = Object.values(c.doc.workflows);
  const workbook = scope['workbook'];
  if (typeof workbook === 'string' && workbook !== wb) {
    const at = [...path, 'scope', 'workbook'];
    c.sink.at(at, `${c.sink.describe(at)} must be this workbook ('${wb}') or left out`, 'value');
  }
  const workflow = scope['workflow'];
  if (typeof workflow !== 'string') return all;
  // The normaliser qualified a short name that resolves; anything else is kept as written.
  const key = resolveWorkflow(c.doc, workflow, wb);
  const wf = key === undefined ? undefined : c.doc.workflows[key];
  if (wf) return [wf];
  const at = [...path, 'scope', 'workflow'];
  const hint = c.sink.didYouMean(
    workflow,
    all.map((w) => w.shortName),
  );
  c.sink.at(at, `${c.sink.describe(at)}: unknown workflow '${workflow}' of workbook '${wb}'${hint}`, 'value');
  return [];
}

function checkTaskName(
  c: CheckContext,
  path: Path,
  scope: Record<string, unknown>,
  workflows: WorkflowSpec[],
): void {
  const task = scope['task_name'];
  if (typeof task !== 'string' || workflows.length === 0) return;
  const names = new Set(workflows.flatMap((wf) => Object.keys(wf.tasks)));
  if (names.has(task)) return;
  const at = [...path, 'scope', 'task_name'];
  const where =
    workflows.length === 1
      ? `workflow '${workflows[0]!.shortName}'`
      : `the workflows of workbook '${c.doc.name}'`;
  c.sink.at(
    at,
    `${c.sink.describe(at)}: no task '${task}' in ${where}${c.sink.didYouMean(task, names)}`,
    'value',
  );
}

/** The schema checks the form (`whsec_` and base64, reported there); Standard Webhooks wants 24 to 64 bytes. */
function checkSecret(c: CheckContext, path: Path, secret: string): void {
  if (!SECRET_FORM.test(secret) || isSigningSecret(secret)) return;
  c.sink.at(path, `${c.sink.describe(path)} ${SECRET_RULE}`, 'value');
}

/** A filter is one YAQL expression: bare (`$.state = 'ERROR'`) or delimited (`<% $.state = 'ERROR' %>`). */
function checkFilter(c: CheckContext, path: Path, filter: string): void {
  const subject = c.sink.describe(path);
  if (filter.trim() === '') return;
  if (isExpression(filter) && filter.trim().startsWith('<%')) {
    const scan = scanExpressions(filter);
    const problems = scan.issues.length > 0 ? scan.issues : checkSyntax(filter);
    for (const p of problems) c.sink.inScalar(path, p.offset, `${subject}: ${p.message}`);
    return;
  }
  if (mayContainExpression(filter)) {
    const at = Math.max(0, filter.search(/<%|\{\{|\{%/));
    c.sink.inScalar(path, at, `${subject} must be one YAQL expression, written bare or in <% %>`);
    return;
  }
  // Checked the way the dispatcher evaluates it: wrapped in `<% %>` (3 characters before the filter's own).
  for (const p of checkSyntax(`<% ${filter} %>`)) {
    const offset = Math.min(filter.length, Math.max(0, p.offset - 3));
    c.sink.inScalar(path, offset, `${subject}: ${p.message}`);
  }
}
