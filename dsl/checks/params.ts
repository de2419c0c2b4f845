/**
 * Warns about parameters an action does not take (`std.echo outptu="x"`), with the closest parameter it does
 * take. Mistral accepts such a task at upload and fails it when it runs ("Invalid input [... unexpected=[...]]"),
 * so this is a warning, never an error.
 *
 * Checked: the inline parameters and the `input:` mapping of action tasks, and the base parameters of ad-hoc
 * actions (`base:` inline and `base-input:`). The parameters an action takes come from the document (an
 * ad-hoc action's `input`) or from the caller (`DslOptions.actionParams`); when neither knows the action, or its
 * name is an expression, nothing is checked. Sub-workflow tasks are not checked: Mistral passes the inputs a
 * workflow does not declare on as its parameters (`task_name`, `env`...).
 */
import type { InputParam } from '../spec.js';
import type { Path } from '../source/paths.js';
import { isRecord, valueAt } from '../source/paths.js';
import { resolveAction } from '../resolve.js';
import { isExpression } from '../syntax/expr-scan.js';
import { scanInlineCall } from '../syntax/inline-call.js';
import type { CheckContext } from './context.js';
import { actionPath, taskPath } from './context.js';

/** The parameters `name` takes, or undefined when not known here. */
function paramsOf(c: CheckContext, name: string, workbook?: string): readonly InputParam[] | undefined {
  if (isExpression(name)) return undefined;
  const local = resolveAction(c.doc, name, workbook);
  if (local) return c.doc.actions[local]?.input;
  return c.options.actionParams?.(name);
}

/** A call written at `callPath` (`action: name k=v`) with an optional mapping of more input at `inputPath`. */
function checkCall(
  c: CheckContext,
  subject: string,
  action: string,
  workbook: string | undefined,
  callPath: Path,
  inputPath?: Path,
): void {
  const declared = paramsOf(c, action, workbook);
  if (!declared) return;
  const names = declared.map((p) => p.name);
  const known = new Set(names);
  const message = (param: string): string =>
    `${subject}: action '${action}' has no parameter '${param}'${c.sink.didYouMean(param, names)}`;
  const text = valueAt(c.sink.src.data, callPath);
  if (typeof text === 'string') {
    for (const p of scanInlineCall(text).params) {
      if (!known.has(p.name)) c.sink.inScalar(callPath, p.nameOffset, message(p.name), 'value', 'warning');
    }
  }
  const input = inputPath && valueAt(c.sink.src.data, inputPath);
  if (isRecord(input)) {
    for (const key of Object.keys(input)) {
      if (!known.has(key)) c.sink.warnAt([...inputPath!, key], message(key));
    }
  }
}

export function checkActionParams(c: CheckContext): void {
  for (const wf of Object.values(c.doc.workflows)) {
    for (const task of Object.values(wf.tasks)) {
      const path = taskPath(c.doc, wf, task.name);
      if (task.kind !== 'action' || valueAt(c.sink.src.data, [...path, 'action']) === undefined) continue;
      const subject = c.sink.describe(path);
      checkCall(c, subject, task.target, wf.workbook, [...path, 'action'], [...path, 'input']);
    }
  }
  for (const a of Object.values(c.doc.actions)) {
    if (a.base === '') continue;
    const path = actionPath(c.doc, a);
    checkCall(c, c.sink.describe(path), a.base, a.workbook, [...path, 'base'], [...path, 'base-input']);
  }
}
