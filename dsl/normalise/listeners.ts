/**
 * Step 3, a workbook's `listeners:` section (Tramontane extension): each entry becomes the body `POST
 * /v2/listeners` would take for it. The body is kept as written (snake_case, the `url` shorthand included), plus
 * what the workbook implies: `name` is the key, `scope.workbook` the workbook, and a `scope.workflow` written as
 * a short name becomes the qualified name the delivery area matches on. A name that resolves to no workflow of
 * the workbook is kept as written, for the check to report.
 *
 * Strings of a `template` payload are registered for the expression check; the filter is checked by
 * `checks/listeners.ts`, since it may be written without its `<% %>`.
 */
import { resolveWorkflow } from '../resolve.js';
import type { DocumentSpec, ListenerBody } from '../spec.js';
import { isRecord } from '../source/paths.js';
import type { NormaliseContext } from './context.js';

export function readListeners(
  ctx: NormaliseContext,
  doc: DocumentSpec,
  section: unknown,
): Record<string, ListenerBody> | undefined {
  if (!isRecord(section)) return undefined;
  const wb = doc.name ?? '';
  const out: Record<string, ListenerBody> = {};
  for (const [key, raw] of Object.entries(section)) {
    if (!isRecord(raw)) continue;
    const body: ListenerBody = { name: key, ...(structuredClone(raw) as ListenerBody) };
    body['name'] = key;
    const scope: Record<string, unknown> = isRecord(body['scope']) ? body['scope'] : {};
    scope['workbook'] ??= wb;
    const workflow = scope['workflow'];
    if (typeof workflow === 'string') scope['workflow'] = resolveWorkflow(doc, workflow, wb) ?? workflow;
    body['scope'] = scope;
    if (body['payload'] !== undefined) ctx.exprDeep(['listeners', key, 'payload'], body['payload']);
    out[key] = body;
  }
  return out;
}
