/**
 * `std.javascript` (alias `std.js`): runs `script` as the body of a function whose `$` is `context`, Mistral's
 * semantics (`return $.a + 1`), and returns what it returns as JSON data.
 *
 * Scripts run in a pool of worker threads (`script-pool.ts`), never on the server's event loop: a script that
 * loops or allocates without end fails its own task at its timeout or memory cap, and every other request keeps
 * being served. Inside the thread each run gets a fresh `node:vm` context with only the language built-ins
 * (`script-worker.ts`): no `require`, no `process`, no `import()`, no timers, no network.
 *
 * The timeout is the task's `timeout` input (seconds), refused above the operator's cap
 * (`TRAM_SCRIPT_TIMEOUT_MAX`) rather than silently shortened, so the author learns the limit.
 */

import { toError } from '../../common/errors.js';
import { defineAction } from '../define.js';
import type { ActionDefinition, ActionOutcome } from '../types.js';
import { ScriptPool } from './script-pool.js';
import type { ScriptPoolOptions } from './script-pool.js';

/** @default 5 seconds */
export const DEFAULT_SCRIPT_TIMEOUT_SECONDS = 5;

export interface ScriptOptions extends ScriptPoolOptions {
  /** Largest `timeout` a script may ask for, in seconds. @default 60 */
  maxTimeoutSeconds: number;
}

type JsInput = { script: unknown; context: unknown; timeout: unknown };

/** Both names share one pool, so they share its warm threads; closing either closes it (idempotently). */
export function createJavascriptActions(options: Partial<ScriptOptions> = {}): ActionDefinition[] {
  const pool = new ScriptPool(options);
  const maxTimeout = options.maxTimeoutSeconds ?? 60;
  const make = (name: string) =>
    defineAction<JsInput>({
      name,
      description:
        'Runs `script` as a function body with `$` bound to `context`; the result is its return value.',
      input: [
        'script',
        { name: 'context', default: null },
        // null: the default, shortened to the cap if the operator set one below it.
        { name: 'timeout', default: null },
      ],
      run: ({ script, context, timeout }, ctx) =>
        runScript(pool, maxTimeout, { script, context, timeout }, ctx.signal),
      close: () => pool.close(),
    });
  return [make('std.javascript'), make('std.js')];
}

async function runScript(
  pool: ScriptPool,
  maxTimeout: number,
  { script, context, timeout }: JsInput,
  signal: AbortSignal,
): Promise<ActionOutcome> {
  if (typeof script !== 'string') return failure('script must be a string');
  const seconds = timeoutSeconds(timeout, maxTimeout);
  if (typeof seconds === 'string') return failure(seconds);
  let contextJson: string;
  try {
    contextJson = JSON.stringify(context ?? null);
  } catch (err) {
    return failure(`context is not JSON-serialisable: ${toError(err).message}`);
  }
  const reply = await pool.run(script, contextJson, Math.ceil(seconds * 1000), signal);
  switch (reply.kind) {
    case 'ok':
      return { ok: true, data: JSON.parse(reply.json) };
    case 'timedOut':
      return failure(`script timed out after ${seconds} s`);
    case 'outOfMemory':
      return failure(`script exceeded its memory limit (${pool.options.memoryMb} MiB)`);
    case 'cancelled':
      return failure('script cancelled');
    case 'failed':
      return failure(reply.error);
  }
}

/** The timeout in seconds, or why it is refused. Absent or 0 means the default, as before. */
function timeoutSeconds(value: unknown, max: number): number | string {
  if (value === null || value === undefined || value === 0)
    return Math.min(DEFAULT_SCRIPT_TIMEOUT_SECONDS, max);
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  if (!Number.isFinite(n) || n <= 0)
    return `timeout must be a positive number of seconds, got ${JSON.stringify(value)}`;
  if (n > max) return `timeout ${n} s exceeds the limit of ${max} s (TRAM_SCRIPT_TIMEOUT_MAX)`;
  return n;
}

/** Mistral's message prefix, so error handlers written against Mistral keep matching. */
function failure(message: string): ActionOutcome {
  return { ok: false, error: `JavaScriptAction failed: ${message}` };
}
