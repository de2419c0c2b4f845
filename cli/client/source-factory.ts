/**
 * The event source `tram execution watch` uses by default: the server's WebSocket stream (`ws-source.ts`), and
 * polling (`polling-source.ts`) only for a server that has no stream, whose upgrade request answers 404 (an
 * older Tramontane, or Mistral). The choice is made when the watch connects, so that nothing is probed before.
 */
import type { TramApi } from './api.js';
import type { ExecutionEventSource, StateChange } from './events.js';
import { PollingEventSource } from './polling-source.js';
import { NoStreamError, WebSocketEventSource } from './ws-source.js';

class StreamOrPolling implements ExecutionEventSource {
  constructor(private readonly api: TramApi) {}

  async *changes(executionId: string, signal?: AbortSignal): AsyncIterable<StateChange[]> {
    let yielded = false;
    try {
      for await (const batch of new WebSocketEventSource(this.api).changes(executionId, signal)) {
        yielded = true;
        yield batch;
      }
    } catch (err) {
      // Only before anything was shown: falling back later would show the execution's changes twice.
      if (yielded || !(err instanceof NoStreamError)) throw err;
      yield* new PollingEventSource(this.api).changes(executionId, signal);
    }
  }
}

/** The WebSocket stream of the server behind `api`, or polling when it has none. */
export function openEventSource(api: TramApi): ExecutionEventSource {
  return new StreamOrPolling(api);
}
