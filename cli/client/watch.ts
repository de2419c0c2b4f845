/**
 * Following one execution to its end: feeds the changes of an `ExecutionEventSource` through a `WatchModel` into
 * a `WatchView`, then reads the finished execution for its output. Used by `tram execution watch`, by
 * `tram execution create --watch` and by `tram run --url`.
 */
import type { TramApi } from './api.js';
import type { ExecutionEventSource } from './events.js';
import { openEventSource } from './source-factory.js';
import { WatchModel } from './watch-model.js';
import type { WatchView } from './watch-view.js';
import type { Execution } from './wire.js';

export interface WatchOptions {
  view: WatchView;
  /** @defaultValue the server's `/v2/ws` stream; polling the REST API every 250 ms for a server without one */
  source?: ExecutionEventSource;
  /** Stops watching (Ctrl-C); the execution itself goes on. */
  signal?: AbortSignal;
}

/** Resolves with the finished execution, or null when `signal` stopped the watch first. */
export async function watchExecution(
  api: TramApi,
  executionId: string,
  opts: WatchOptions,
): Promise<Execution | null> {
  const source = opts.source ?? openEventSource(api);
  const model = new WatchModel();
  let final: Execution | null = null;
  try {
    for await (const batch of source.changes(executionId, opts.signal)) {
      for (const change of batch) model.apply(change);
      opts.view.update(batch, model);
    }
    if (!opts.signal?.aborted) final = await api.getExecution(executionId);
  } finally {
    // Also when the server goes away mid-watch: the view ends its status line before the error is printed.
    opts.view.finish(model, final);
  }
  return final;
}

/** The exit code a watch ends with: 0 when the execution succeeded, 1 otherwise (130 when interrupted). */
export function watchExitCode(final: Execution | null): number {
  if (!final) return 130;
  return final.state === 'SUCCESS' ? 0 : 1;
}

/**
 * Runs `fn` with a signal that Ctrl-C (SIGINT) aborts, so that a watch ends cleanly (cursor restored, exit code
 * 130) instead of dying mid-line. The handler is removed afterwards.
 */
export async function withInterrupt<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ac = new AbortController();
  const onSigint = () => ac.abort();
  process.once('SIGINT', onSigint);
  try {
    return await fn(ac.signal);
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}
