/**
 * The JSON layout of runtime records on disk, shared by the SQL stores (`records.ts` picks the fields the
 * columns do not hold; this module writes the rest compactly). Every step rewrites its rows, and most fields hold
 * their usual value (an empty namespace, no state info, nothing published, the first attempt), so a record
 * written whole repeated its key names and those values in every row of every execution.
 *
 * Written: a field whose value is its type's usual one (`Layout.usual`) is left out; a long key name is written
 * as a short alias that no record field can have (`~` + a letter); a task's `runtimeContext`, whose keys the
 * engine repeats in every task, has its known keys aliased too (under the alias of `runtimeContext`, so a reader
 * knows). Read: aliases are expanded and absent usual fields put back, each a fresh object. Rows written whole,
 * before this layout, read the same: they have no aliases and every field. The codec never changes what a
 * reader sees, only the bytes: a field the engine adds later is stored as it is until a layout names it.
 *
 * Not aliased, because SQL reads or writes them by name (`json_set` / `json_extract` in the SQLite store):
 * `output`, `kind`, `accepted` (the SQL that reads `kind` puts back its usual value itself). Only required fields
 * have a usual value: putting back an optional field that was absent would change the record.
 */

type Json = Record<string, unknown>;

/** Short names of record fields. An alias starts with `~`, which no field name does. */
const ALIASES: Record<string, string> = {
  workflowId: '~w',
  workflowName: '~W',
  workflowNamespace: '~n',
  description: '~D',
  tags: '~T',
  params: '~q',
  input: '~i',
  stateInfo: '~s',
  parentExecutionId: '~P',
  publishedGlobal: '~g',
  name: '~m',
  taskName: '~k',
  type: '~t',
  inContext: '~c',
  published: '~p',
  result: '~r',
  runtimeContext: '~x',
  processed: '~d',
  startedAt: '~a',
  finishedAt: '~f',
  index: '~I',
  attempt: '~A',
  lastError: '~L',
};
const FIELDS = new Map(Object.entries(ALIASES).map(([field, alias]) => [alias, field]));

/** The engine's task runtime-context keys (`engine/runtime/task-flow.ts`), aliased inside `runtimeContext`. */
const CONTEXT_ALIASES: Record<string, string> = {
  pause_before_done: 'p',
  wait_before_done: 'b',
  wait_after_done: 'a',
  run_started_at: 's',
  action_name: 'n',
  has_next: 'h',
};
const CONTEXT_KEYS = new Map(Object.entries(CONTEXT_ALIASES).map(([key, alias]) => [alias, key]));
/** The context's flags (each set to true once a step is done): the aliases of those that are true are written
 * together, as one string under `FLAGS` (`"!":"pbah"` instead of `"p":true,"b":true,"a":true,"h":true`). */
const FLAG_KEYS = new Set(['pause_before_done', 'wait_before_done', 'wait_after_done', 'has_next']);
const FLAGS = '!';
/** `run_started_at` as milliseconds after the task's `startedAt` (written when both are numbers): the engine
 * sets both from one clock reading, so this is mostly `0` instead of a 13-digit time. */
const RUN_STARTED = 'run_started_at';
const RUN_STARTED_AFTER = 'S';

/** An empty object or array as a usual value: a fresh one is put back on every read (a reader may change it). */
interface Empty {
  empty: 'object' | 'array';
}
const OBJECT: Empty = { empty: 'object' };
const ARRAY: Empty = { empty: 'array' };

/** A usual value: a primitive, or an empty object / array. */
type Usual = string | number | boolean | null | Empty;

/** A time field written as milliseconds after another time the row's columns hold (`base`), under `alias`. */
interface Relative {
  alias: string;
  base: string;
}

export interface Layout {
  /** Required fields and their usual value. */
  usual: Record<string, Usual>;
  /** Time fields written relative to a column's time: a few digits instead of 13. */
  relative?: Record<string, Relative>;
}

export const EXEC_LAYOUT: Layout = {
  usual: {
    workflowNamespace: '',
    description: '',
    tags: ARRAY,
    params: OBJECT,
    stateInfo: null,
    parentExecutionId: null,
    publishedGlobal: OBJECT,
  },
};
export const TASK_LAYOUT: Layout = {
  usual: {
    workflowNamespace: '',
    stateInfo: null,
    type: 'ACTION',
    published: OBJECT,
    result: null,
    runtimeContext: OBJECT,
    processed: true,
    startedAt: null,
    finishedAt: null,
  },
  // A task starts soon after it is created and its last write is mostly the one that finished it.
  relative: {
    startedAt: { alias: '~b', base: 'createdAt' },
    finishedAt: { alias: '~e', base: 'updatedAt' },
  },
};
export const ACTION_LAYOUT: Layout = {
  // `kind` is read by SQL (the SQLite store's `ACTION_KIND`), which takes its absence for `action`.
  usual: { stateInfo: null, input: OBJECT, index: 0, accepted: true, attempt: 1, kind: 'action' },
};
/** The runtime an execution row keeps beside its record (`spec-refs.ts`); `lastError` is optional. */
export const RUNTIME_LAYOUT: Layout = {
  usual: { seq: 0, machine: OBJECT, deferred: ARRAY, env: OBJECT },
};

function isEmpty(v: unknown, kind: Empty): boolean {
  if (kind.empty === 'array') return Array.isArray(v) && v.length === 0;
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  for (const _ in v) return false;
  return Object.getPrototypeOf(v) === Object.prototype;
}

function isUsual(v: unknown, usual: Usual): boolean {
  return usual !== null && typeof usual === 'object' ? isEmpty(v, usual) : v === usual;
}

function fresh(usual: Usual): unknown {
  if (usual === null || typeof usual !== 'object') return usual;
  return usual.empty === 'array' ? [] : {};
}

/** `runtimeContext` with its known keys aliased, or null when a key of its own looks like an alias. */
function compactContext(rc: Json, startedAt: unknown): Json | null {
  const out: Json = {};
  let flags = '';
  for (const k in rc) {
    if (CONTEXT_KEYS.has(k) || k === FLAGS || k === RUN_STARTED_AFTER) return null;
    const v = rc[k];
    const alias = CONTEXT_ALIASES[k] ?? k;
    if (v === true && FLAG_KEYS.has(k)) flags += alias;
    else if (k === RUN_STARTED && typeof v === 'number' && typeof startedAt === 'number') {
      out[RUN_STARTED_AFTER] = v - startedAt;
    } else out[alias] = v;
  }
  if (flags) out[FLAGS] = flags;
  return out;
}

function expandContext(rc: Json, startedAt: unknown): Json {
  const out: Json = {};
  for (const k in rc) {
    const v = rc[k];
    if (k === FLAGS) {
      for (const alias of v as string) out[CONTEXT_KEYS.get(alias) ?? alias] = true;
    } else if (k === RUN_STARTED_AFTER) out[RUN_STARTED] = (v as number) + (startedAt as number);
    else out[CONTEXT_KEYS.get(k) ?? k] = v;
  }
  return out;
}

/** The stored JSON of record `r` without the fields in `skip` (held by columns). */
export function encodeRecord(r: object, layout: Layout, skip: ReadonlySet<string>): string {
  const src = r as Json;
  const out: Json = {};
  for (const k in src) {
    const v = src[k];
    if (v === undefined || skip.has(k)) continue;
    const usual = layout.usual[k];
    if (usual !== undefined && isUsual(v, usual)) continue;
    const rel = layout.relative?.[k];
    const base = rel && src[rel.base];
    if (rel && typeof v === 'number' && typeof base === 'number') {
      out[rel.alias] = v - base;
      continue;
    }
    if (k === 'runtimeContext' && v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const rc = compactContext(v as Json, src.startedAt);
      if (rc) out[ALIASES.runtimeContext as string] = rc;
      else out[k] = v;
      continue;
    }
    out[ALIASES[k] ?? k] = v;
  }
  return JSON.stringify(out);
}

/**
 * The record's fields from its stored JSON, after `columns` (the fields its row's columns hold, in the order
 * a record shows them): usual values first put back, then the stored fields, which win over both (an older row
 * repeats the columns' values in its JSON).
 */
export function decodeRecord(text: string, layout: Layout, columns: Json): Json {
  const stored = JSON.parse(text) as Json;
  const out = columns;
  for (const k in layout.usual) out[k] = fresh(layout.usual[k] as Usual);
  let context: Json | null = null;
  for (const k in stored) {
    const v = stored[k];
    if (k.charCodeAt(0) !== 126 /* ~ */) out[k] = v;
    else if (k === ALIASES.runtimeContext) context = v as Json;
    else {
      const field = FIELDS.get(k);
      if (field !== undefined) out[field] = v;
      else if (!relativeField(layout, k, v as number, out)) out[k] = v;
    }
  }
  // After the loop: the context's run start is relative to `startedAt`, which may come after it.
  if (context) out.runtimeContext = expandContext(context, out.startedAt);
  return out;
}

/** Puts back the time field written relative to a column's time under `alias`, if the layout has one. */
function relativeField(layout: Layout, alias: string, v: number, out: Json): boolean {
  for (const field in layout.relative) {
    const rel = layout.relative[field] as Relative;
    if (rel.alias !== alias) continue;
    out[field] = v + (out[rel.base] as number);
    return true;
  }
  return false;
}
