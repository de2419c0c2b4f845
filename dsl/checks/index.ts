/**
 * Step 4 of the pipeline: the semantic checks, run on the normalised document in one pass. Each module checks
 * one concern and reports into the shared sink; none of them stops the others.
 */
import type { ExprSite } from '../normalise/context.js';
import type { CheckContext } from './context.js';
import { checkExpressions } from './expressions.js';
import { checkFlow } from './flow.js';
import { checkListeners } from './listeners.js';
import { checkDocumentNames } from './names.js';
import { checkActionParams } from './params.js';
import { checkReferences } from './references.js';

export type { CheckContext, DslOptions } from './context.js';

export function runChecks(c: CheckContext, sites: readonly ExprSite[]): void {
  checkDocumentNames(c);
  for (const wf of Object.values(c.doc.workflows)) checkFlow(c, wf);
  checkReferences(c);
  checkActionParams(c);
  checkListeners(c);
  checkExpressions(c, sites);
}
