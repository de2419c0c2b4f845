/**
 * Standalone ad-hoc actions, `POST/PUT/DELETE /v2/actions`: a document of `version: '2.0'` and actions keyed
 * by name (Mistral's action-only document), as opposed to the actions section of a workbook.
 *
 * STOPGAP until the DSL and `engine.definitions` take this third kind of document:
 * - checking: the text is indented under `actions:` of a wrapper workbook that adds exactly three lines, so the
 *   DSL runs every check and each issue maps back to the user's line (-3) and column (-2); names the workbook
 *   schema refuses (`acme.deploy`) are checked under same-length aliases and renamed back;
 * - saving and deleting: the rows go through the store, then `definitions.load()` refreshes the engine's cache.
 *
 * An action is known by its name and namespace, as workflows are.
 *
 * Writes are serialised, so that two uploads of the same name cannot both pass the existence check.
 */
import { isMap, isScalar, parseDocument as parseYaml, LineCounter } from 'yaml';
import {
  ConflictError,
  DslError,
  InvalidInputError,
  InvalidStateError,
  NotFoundError,
  newId,
  type DslIssue,
} from '../../common/index.js';
import { analyseDocument, type AdHocActionSpec } from '../../dsl/index.js';
import type { Engine } from '../../engine/index.js';
import type { ActionDefinitionRow } from '../../store/index.js';
import { UPLOAD_FILE } from '../../uploads/index.js';
import { systemActionId } from './resources.js';
import type { UploadOptions } from './upload.js';

const WRAPPER = '__tramontane_actions__';
const HEADER = `version: '2.0'\nname: ${WRAPPER}\nactions:\n`;
const HEADER_LINES = 3;
const INDENT = '  ';

export interface SaveActionsOptions extends UploadOptions {
  update: boolean;
  /** `PUT /v2/actions/{id}`: the document must define exactly this action. */
  identifier?: string;
}

export class AdHocActions {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly engine: Engine) {}

  /** Checks an actions document; the actions it defines, named as written (no workbook prefix). */
  parse(text: string): AdHocActionSpec[] {
    const lines = new LineCounter();
    const ydoc = parseYaml(text, { lineCounter: lines, uniqueKeys: false });
    // The DSL's own messages for broken YAML (it stops at syntax errors).
    if (ydoc.errors.length > 0) throw new DslError(analyseDocument(text, UPLOAD_FILE).issues);
    const root = ydoc.contents;
    if (!isMap(root)) throw issue(1, 1, 'an actions document maps action names to their definitions');
    const keys: { name: string; range: [number, number] }[] = [];
    let version: unknown;
    let versionAt: number | undefined;
    for (const pair of root.items) {
      if (!isScalar(pair.key) || !pair.key.range) continue;
      const name = String(pair.key.value);
      if (name === 'version') {
        version = isScalar(pair.value) ? pair.value.value : undefined;
        versionAt = pair.key.range[0];
      } else {
        keys.push({ name, range: [pair.key.range[0], pair.key.range[1]] });
      }
    }
    if (version !== '2.0' && version !== 2) {
      const pos = versionAt === undefined ? { line: 1, col: 1 } : lines.linePos(versionAt);
      throw issue(pos.line, pos.col, "an actions document needs version: '2.0'");
    }
    if (keys.length === 0) throw issue(1, 1, 'this document defines no actions');

    // Workbook action keys must be plain words; standalone action names may hold dots (`acme.deploy`). Such a
    // key is checked under an alias of the same length, so that every column stays where it was.
    const aliases = aliasesFor(keys.map((k) => k.name));
    let renamed = text;
    for (const k of [...keys].reverse()) {
      const alias = aliases.get(k.name);
      if (alias === undefined) continue;
      const source = renamed.slice(k.range[0], k.range[1]).replace(k.name, alias);
      renamed = renamed.slice(0, k.range[0]) + source + renamed.slice(k.range[1]);
    }
    const own = new Set(keys.map((k) => k.name));
    const { definitions, actions } = this.engine;
    const { document, issues } = analyseDocument(HEADER + indent(renamed), UPLOAD_FILE, {
      isKnownAction: (n) => own.has(n) || actions.has(n) || definitions.actionRow(n) !== null,
      isKnownWorkflow: (n) => definitions.workflowRow(n) !== null,
    });
    const originals = new Map([...aliases].map(([name, alias]) => [alias, name]));
    if (issues.length > 0 || !document) throw new DslError(issues.map((i) => unwrapIssue(i, originals)));
    return Object.values(document.actions).map((spec) => unwrapSpec(spec, originals));
  }

  save(text: string, opts: SaveActionsOptions): Promise<ActionDefinitionRow[]> {
    return this.serial(async () => {
      const specs = this.parse(text);
      const { store } = this.engine;
      const stored = await store.listActionDefinitions();
      let target: ActionDefinitionRow | undefined;
      if (opts.identifier !== undefined) {
        target = (await store.getActionDefinition(opts.identifier)) ?? undefined;
        if (!target) throw new NotFoundError('action', opts.identifier);
        if (specs.length !== 1) {
          throw new InvalidInputError(
            'More than one action is not supported for update with an identifier',
            'definition',
          );
        }
        if (specs[0]?.name !== target.name) {
          throw new InvalidInputError(
            `the definition names action '${specs[0]?.name}', not '${target.name}' (renaming is not supported)`,
            'definition',
          );
        }
      }
      const now = Date.now();
      const rows = specs.map((spec): ActionDefinitionRow => {
        if (this.engine.actions.has(spec.name)) {
          throw new ConflictError(`action already exists: ${spec.name} (a system action)`);
        }
        // An action is known by (name, namespace): the same name may be created in several namespaces.
        const previous = target ?? previousOf(stored, spec.name, opts);
        if (!opts.update && previous) throw new ConflictError(`action already exists: ${spec.name}`);
        if (opts.update && !previous) throw new NotFoundError('action', spec.name);
        if (previous?.workbookName) throw belongsToWorkbook(previous);
        // An update keeps the action in its namespace (the client sends none unless told).
        const namespace = previous && opts.namespace === '' ? previous.namespace : opts.namespace;
        if (previous && previous.namespace !== namespace) {
          throw new InvalidInputError(
            `action ${spec.name} is in namespace '${previous.namespace}': actions cannot move between namespaces`,
            'namespace',
          );
        }
        return {
          id: previous?.id ?? newId(),
          name: spec.name,
          namespace,
          workbookName: null,
          definition: text,
          spec,
          tags: spec.tags,
          scope: opts.scope,
          createdAt: previous?.createdAt ?? now,
          updatedAt: now,
        };
      });
      await store.saveDocument(null, [], rows);
      await this.engine.definitions.load();
      return rows;
    });
  }

  delete(identifier: string, namespace?: string): Promise<void> {
    return this.serial(async () => {
      if (this.isSystem(identifier)) {
        throw new InvalidStateError(`Attempt to delete a system action: ${identifier}`);
      }
      const row = await this.engine.store.getActionDefinition(identifier, namespace);
      if (!row) throw new NotFoundError('action', identifier);
      if (row.workbookName) throw belongsToWorkbook(row);
      await this.engine.store.deleteActionDefinition(row.id);
      await this.engine.definitions.load();
    });
  }

  isSystem(identifier: string): boolean {
    return (
      this.engine.actions.has(identifier) ||
      this.engine.actions.list().some((a) => systemActionId(a.name) === identifier)
    );
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

/**
 * The stored action a save of `name` creates or replaces: the one in the namespace asked for; for an update
 * sent without a namespace (the client's default), the default namespace's, else the only one of that name.
 */
function previousOf(
  stored: ActionDefinitionRow[],
  name: string,
  opts: SaveActionsOptions,
): ActionDefinitionRow | undefined {
  const named = stored.filter((r) => r.name === name);
  const exact = named.find((r) => r.namespace === opts.namespace);
  if (exact || !opts.update || opts.namespace !== '') return exact;
  return named.length === 1 ? named[0] : undefined;
}

function belongsToWorkbook(row: ActionDefinitionRow): InvalidStateError {
  return new InvalidStateError(
    `action ${row.name} belongs to workbook ${row.workbookName}: update or delete the workbook instead`,
  );
}

function issue(line: number, col: number, message: string): DslError {
  return new DslError([{ file: UPLOAD_FILE, line, col, message, path: '' }]);
}

/**
 * Indents every line under the wrapper's `actions:`. Document markers and directives would end the wrapper,
 * so they become blank lines (keeping the line numbers).
 */
function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => {
      if (/^(---|\.\.\.)(\s|$)/.test(line) || line.startsWith('%')) return '';
      return line.trim() === '' ? line : INDENT + line;
    })
    .join('\n');
}

/** Same-length aliases, made of word characters, for the names that are not only word characters. */
function aliasesFor(names: string[]): Map<string, string> {
  const taken = new Set(names);
  const aliases = new Map<string, string>();
  for (const name of names) {
    if (/^[\w-]+$/.test(name)) continue;
    const base = name.replace(/[^\w-]/g, '_');
    let alias = base;
    for (let n = 0; taken.has(alias) && n < 10_000; n++) {
      const suffix = String(n);
      alias = base.slice(0, Math.max(0, base.length - suffix.length)) + suffix;
    }
    taken.add(alias);
    aliases.set(name, alias);
  }
  return aliases;
}

function pointerSegment(s: string): string {
  return s.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** An issue of the wrapped document, as the user's text has it. `originals` maps aliases back to names. */
function unwrapIssue(i: DslIssue, originals: Map<string, string>): DslIssue {
  const inside = i.line > HEADER_LINES;
  let path = i.path?.startsWith('/actions/') ? i.path.slice('/actions'.length) : '';
  let message = i.message
    .split(`${WRAPPER}.`)
    .join('')
    .replace(/^workbook: 'actions': /, '');
  for (const [alias, name] of originals) {
    const seg = `/${pointerSegment(alias)}`;
    if (path === seg || path.startsWith(`${seg}/`))
      path = `/${pointerSegment(name)}${path.slice(seg.length)}`;
    message = message.split(`'${alias}'`).join(`'${name}'`);
  }
  return {
    ...i,
    line: inside ? i.line - HEADER_LINES : 1,
    col: inside ? Math.max(1, i.col - INDENT.length) : 1,
    message,
    path,
  };
}

function unwrapSpec(spec: AdHocActionSpec, originals: Map<string, string>): AdHocActionSpec {
  const { workbook: _workbook, ...rest } = spec;
  const name = originals.get(spec.shortName) ?? spec.shortName;
  return {
    ...rest,
    name,
    shortName: name,
    pos: { ...spec.pos, line: spec.pos.line - HEADER_LINES, col: Math.max(1, spec.pos.col - INDENT.length) },
  };
}
