/**
 * Content-addressed workflow specs, shared by the SQL stores. An execution runs a copy of its workflow's spec
 * (later edits of the definition do not affect it), but every execution of one definition version runs the same
 * spec: the store keeps each distinct spec once, in `workflow_specs` (keyed by the SHA-256 of its JSON, numbered
 * by the database), and an execution row refers to it by `spec_id`. The runtime JSON written on every commit
 * then holds only the execution's own bookkeeping, a few hundred bytes instead of the whole spec.
 *
 * Lifecycle, per store instance: `encode` is called for each execution row of a commit; a spec this database
 * has not been seen to hold comes back as `pending` and is inserted (insert-or-ignore) inside the commit's
 * transaction, then `confirm`ed once that transaction committed, so a rolled-back commit never leaves a number
 * cached that the database does not hold. Reads go the other way (`decode`): a spec is parsed once per number and
 * shared by every execution that runs it. Rows written before the spec table existed keep their spec inline, and
 * are read as they are.
 */
import { createHash } from 'node:crypto';
import { TramError } from '../common/index.js';
import type { WorkflowSpec } from '../dsl/spec.js';
import type { ExecutionRuntime } from './types.js';
import { RUNTIME_LAYOUT, decodeRecord, encodeRecord } from './record-codec.js';

/** The runtime's field that is stored apart. */
const SPEC = new Set(['spec']);
/** ... and the initial context too, when it is the execution's input (`sameContext`). */
const SPEC_AND_CONTEXT = new Set(['spec', 'initialContext']);

/**
 * Whether the initial context holds exactly the input's keys and values: the engine builds it as `{...input,
 * ...vars}`, so without `vars` it repeats the input, which the execution's record holds already. Values are
 * compared by identity (cheap, and true for the engine's copy); one read back from a row compares unequal when
 * nested and is then stored, as it is.
 */
function sameContext(context: Record<string, unknown>, input: Record<string, unknown>): boolean {
  let n = 0;
  for (const k in context) {
    if (!Object.prototype.hasOwnProperty.call(input, k) || context[k] !== input[k]) return false;
    n++;
  }
  for (const _ in input) n--;
  return n === 0;
}

/** A spec the commit must make sure the database holds (its number comes from the database). */
export interface PendingSpec {
  hash: string;
  text: string;
}

/** Hashes of spec objects: specs are immutable and shared (the definition cache hands the same object to every
 * execution of a version), so each one is serialised and hashed once per process. */
const hashes = new WeakMap<WorkflowSpec, PendingSpec>();

function addressOf(spec: WorkflowSpec): PendingSpec {
  let a = hashes.get(spec);
  if (!a) {
    const text = JSON.stringify(spec);
    a = { hash: createHash('sha256').update(text).digest('base64url'), text };
    hashes.set(spec, a);
  }
  return a;
}

/** Parsed specs kept at most: one per definition version in use, so a small number. */
const MAX_PARSED = 1000;

export class SpecRefs {
  /** Spec numbers by hash, for specs this database is known to hold. */
  private readonly ids = new Map<string, number>();
  /** Parsed specs by number. */
  private readonly parsed = new Map<number, WorkflowSpec>();

  /**
   * The runtime as stored (without its spec) and the spec's number, or `pending` when the database may not hold
   * the spec yet: the caller inserts it, uses the number the database gave it, and `confirm`s it after COMMIT.
   */
  encode(
    rt: ExecutionRuntime,
    input: Record<string, unknown>,
  ): { runtime: string; specId: number | null; pending: PendingSpec | null } {
    const address = addressOf(rt.spec);
    const specId = this.ids.get(address.hash) ?? null;
    return {
      runtime: encodeRecord(
        rt,
        RUNTIME_LAYOUT,
        sameContext(rt.initialContext, input) ? SPEC_AND_CONTEXT : SPEC,
      ),
      specId,
      pending: specId === null ? address : null,
    };
  }

  /** The transaction that inserted (or found) these specs, by hash, committed: their numbers are safe to reuse. */
  confirm(pending: Map<string, number>): void {
    for (const [hash, id] of pending) this.ids.set(hash, id);
  }

  /** Whether `decode` needs the text of spec `id` (it is not parsed yet). */
  needs(id: number | null): id is number {
    return id !== null && !this.parsed.has(id);
  }

  /** Adds a spec read from the database. */
  add(id: number, text: string): void {
    if (this.parsed.size >= MAX_PARSED) this.parsed.clear();
    this.parsed.set(id, JSON.parse(text) as WorkflowSpec);
  }

  /** The runtime of a row: its own JSON, with the spec it refers to (or the inline spec of an older row), and
   * the initial context, when left out, a copy of the execution's input (as the engine made it). */
  decode(runtimeText: string, specId: number | null, input: Record<string, unknown>): ExecutionRuntime {
    const rt = decodeRecord(runtimeText, RUNTIME_LAYOUT, {}) as unknown as ExecutionRuntime;
    if (rt.initialContext === undefined) rt.initialContext = { ...input };
    if (rt.spec === undefined && specId !== null) {
      const spec = this.parsed.get(specId);
      if (!spec) throw new TramError('STORE', `workflow spec ${specId} is missing`);
      rt.spec = spec;
    }
    return rt;
  }
}
