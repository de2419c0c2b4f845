/**
 * The DSL front end, end to end: YAML text → (positions, schema check, normalisation, semantic checks) → a
 * DocumentSpec and every issue found. Each step is its own module; this one only runs them in order.
 *
 * When the YAML itself does not parse, only its syntax errors are reported: the data recovered from a broken
 * text would produce misleading follow-up messages.
 */
import type { DslIssue } from '../common/index.js';
import type { DslOptions } from './checks/index.js';
import { runChecks } from './checks/index.js';
import { IssueSink } from './issues.js';
import { NormaliseContext } from './normalise/context.js';
import { readDocument } from './normalise/document.js';
import { reportSchemaErrors } from './schema/messages.js';
import { schemaErrors } from './schema/validator.js';
import type { DocumentSpec } from './spec.js';
import { documentKind, keyKind } from './source/paths.js';
import { YamlSource } from './source/yaml-source.js';

export interface Analysis {
  /** The normalised document; present whenever the YAML parsed, even with issues (then it may be partial). */
  document?: DocumentSpec;
  issues: DslIssue[];
}

export function analyseDocument(text: string, file: string, options: DslOptions = {}): Analysis {
  const src = new YamlSource(text, file);
  if (src.syntaxProblems.length > 0) {
    return {
      issues: src.syntaxProblems.map((p) => ({ file, line: p.line, col: p.col, message: p.message })),
    };
  }
  const detected = documentKind(src.data);
  const kind = options.asActions && detected !== 'workbook' ? 'actions' : detected;
  const sink = new IssueSink(src, kind);
  for (const d of src.duplicates) {
    const what = keyKind(d.parent, kind);
    const where = what === 'key' ? ` in ${sink.describe(d.parent)}` : '';
    sink.atPosition(d, `duplicate ${what} '${d.key}'${where} (first defined at line ${d.first.line})`, [
      ...d.parent,
      d.key,
    ]);
  }
  reportSchemaErrors(schemaErrors(src.data, kind), src.data, sink);
  const ctx = new NormaliseContext(sink);
  const document = readDocument(ctx, src.data);
  runChecks({ doc: document, sink, origins: ctx.origins, options }, ctx.sites);
  return { document, issues: sink.issues() };
}
