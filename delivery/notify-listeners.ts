/**
 * Mistral's `params.notify` as listeners. Each `{type: webhook, url, headers, event_types}` entry of a top-level
 * execution's params becomes a listener scoped to that execution tree (sub-workflows inherit their parent's
 * notify, as in Mistral), so that notify gets the same durable, ordered, logged delivery as any listener.
 *
 * The listener ids are derived from the execution id and the entry's position: building them again after a
 * restart gives the same listeners, and the fan-out stores them in the transaction that creates their first
 * deliveries.
 */
import type { EventSelector, Listener } from './types.js';

interface NotifyEntry {
  type?: unknown;
  url?: unknown;
  headers?: unknown;
  event_types?: unknown;
}

/** Mistral's webhook publisher has no retries; we keep a short schedule: a notify target is rarely long-lived. */
export const NOTIFY_RETRY: readonly number[] = [1, 5, 30, 120, 600];

export function notifyListenerId(executionId: string, index: number): string {
  return `notify-${executionId}-${index}`;
}

function stringHeaders(h: unknown): Record<string, string> {
  if (!h || typeof h !== 'object') return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h as Record<string, unknown>)) out[k] = String(v);
  return out;
}

/** The listeners of an execution's `params.notify` (non-webhook or malformed entries are skipped). */
export function notifyListeners(
  executionId: string,
  notify: unknown,
  secretOf: () => string,
  now: number,
): Listener[] {
  if (!Array.isArray(notify)) return [];
  const out: Listener[] = [];
  notify.forEach((raw: unknown, i) => {
    const n = (raw ?? {}) as NotifyEntry;
    if (n.type !== 'webhook' || typeof n.url !== 'string') return;
    const events = Array.isArray(n.event_types) ? (n.event_types.map(String) as EventSelector[]) : [];
    out.push({
      id: notifyListenerId(executionId, i),
      name: `notify:${executionId}:${i}`,
      origin: 'notify',
      owner: executionId,
      scope: { executionId },
      events,
      filter: null,
      transport: {
        type: 'http',
        url: n.url,
        method: 'POST',
        headers: stringHeaders(n.headers),
        timeoutMs: 10000,
      },
      format: 'mistral',
      payload: null,
      retry: [...NOTIFY_RETRY],
      status: null,
      secret: secretOf(),
      enabled: true,
      disabledReason: null,
      health: { lastSuccessAt: null, lastFailureAt: null, firstFailureAt: null, failuresInRow: 0 },
      createdAt: now,
      updatedAt: now,
    });
  });
  return out;
}
