/**
 * Checks that every action and workflow a document calls exists: a task's `action:` / `workflow:`, hooks, and
 * ad-hoc actions' `base:` (which must not form a cycle). Names defined in the document resolve as in
 * `dsl/resolve.ts`; other names are asked of the caller (`DslOptions`), and not checked when it cannot tell.
 * Names computed by an expression are only known at run time and are not checked.
 *
 * An unknown name is a warning, not an error: Mistral accepts it at upload (the action may be installed later,
 * the workflow uploaded later) and fails the task when it runs ("Failed to find action [...]").
 */
import type { HookSpec } from '../spec.js';
import { resolveAction, resolveWorkflow } from '../resolve.js';
import { isExpression } from '../syntax/expr-scan.js';
import type { CheckContext } from './context.js';
import { actionPath, reportAt, taskPath, workflowPath } from './context.js';
import { findCycles } from './graph.js';

type Verdict = 'ok' | 'unknown' | 'unchecked';

function actionVerdict(c: CheckContext, name: string, workbook?: string): Verdict {
  if (isExpression(name) || resolveAction(c.doc, name, workbook)) return 'ok';
  if (!c.options.isKnownAction) return 'unchecked';
  return c.options.isKnownAction(name) ? 'ok' : 'unknown';
}

function workflowVerdict(c: CheckContext, name: string, workbook?: string): Verdict {
  if (isExpression(name) || resolveWorkflow(c.doc, name, workbook)) return 'ok';
  if (!c.options.isKnownWorkflow) return 'unchecked';
  return c.options.isKnownWorkflow(name) ? 'ok' : 'unknown';
}

/** Local names a misspelt reference may have meant (short names inside a workbook). */
function localNames(defined: Record<string, { shortName: string }>): string[] {
  return Object.values(defined).map((d) => d.shortName);
}

export function checkReferences(c: CheckContext): void {
  const { doc } = c;
  // The candidates are listed once, not per unknown name.
  const actions = localNames(doc.actions);
  const workflows = localNames(doc.workflows);
  const actionHint = (name: string): string => c.sink.didYouMean(name, actions);
  const checkHooks = (subject: string, hooks: readonly HookSpec[], workbook?: string): void => {
    for (const hook of hooks) {
      if (actionVerdict(c, hook.action, workbook) !== 'unknown') continue;
      reportAt(c, hook, `${subject}: unknown action '${hook.action}'${actionHint(hook.action)}`, 'warning');
    }
  };
  for (const wf of Object.values(doc.workflows)) {
    const wfSubject = c.sink.describe(workflowPath(doc, wf));
    checkHooks(wfSubject, [...wf.onEnter, ...wf.onExit], wf.workbook);
    for (const task of Object.values(wf.tasks)) {
      const path = taskPath(doc, wf, task.name);
      const subject = c.sink.describe(path);
      checkHooks(subject, [...task.onEnter, ...task.onExit], wf.workbook);
      if (task.kind === 'action' && actionVerdict(c, task.target, wf.workbook) === 'unknown') {
        c.sink.warnAt(
          [...path, 'action'],
          `${subject}: unknown action '${task.target}'${actionHint(task.target)}`,
          'value',
        );
      }
      if (task.kind === 'workflow' && workflowVerdict(c, task.target, wf.workbook) === 'unknown') {
        const hint = c.sink.didYouMean(task.target, workflows);
        c.sink.warnAt([...path, 'workflow'], `${subject}: unknown workflow '${task.target}'${hint}`, 'value');
      }
    }
  }
  checkAdHocBases(c, actionHint);
}

function checkAdHocBases(c: CheckContext, actionHint: (name: string) => string): void {
  const actions = Object.values(c.doc.actions);
  for (const a of actions) {
    if (a.base === '' || actionVerdict(c, a.base, a.workbook) !== 'unknown') continue;
    const path = actionPath(c.doc, a);
    const message = `${c.sink.describe(path)}: unknown base action '${a.base}'${actionHint(a.base)}`;
    c.sink.warnAt([...path, 'base'], message, 'value');
  }
  const baseOf = (name: string): string[] => {
    const a = c.doc.actions[name];
    const base = a && resolveAction(c.doc, a.base, a.workbook);
    return base ? [base] : [];
  };
  for (const cycle of findCycles(Object.keys(c.doc.actions), baseOf)) {
    const first = c.doc.actions[cycle[0]!]!;
    const message = `ad-hoc action cycle: ${cycle.join(' -> ')}`;
    c.sink.at([...actionPath(c.doc, first), 'base'], message, 'value');
  }
}
