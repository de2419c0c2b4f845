/**
 * Live state changes over `/v2/ws` (the same stream as `tram execution watch`): one socket per page, with
 * subscriptions to executions and tasks, narrowed to one execution when a page shows one. The token goes in
 * the query (browsers cannot set headers on a WebSocket). Reconnects after a drop.
 */
import { token } from './api.js';

export interface StateChange {
  entity: string;
  id: string;
  identifier: string;
  execution_id: string;
  state: string;
  previous_state: string | null;
  sequence: number;
  timestamp: string;
}

export function subscribe(filter: { execution_id?: string }, onChange: (c: StateChange) => void): () => void {
  let ws: WebSocket | null = null;
  let closed = false;
  let retry: number | undefined;
  const open = () => {
    const t = token.get();
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    ws = new WebSocket(`${proto}//${location.host}/v2/ws${t ? `?token=${encodeURIComponent(t)}` : ''}`);
    ws.onopen = () => {
      for (const entity of ['execution', 'task']) {
        const data = { entity, ...filter };
        ws?.send(JSON.stringify({ action: 'subscribe_state_change', request_id: entity, data }));
      }
    };
    ws.onmessage = (m: MessageEvent<string>) => {
      const msg = JSON.parse(m.data) as { event?: string; data?: StateChange };
      if (msg.event === 'state_change' && msg.data) onChange(msg.data);
    };
    ws.onclose = () => {
      if (!closed) retry = window.setTimeout(open, 2000);
    };
  };
  open();
  return () => {
    closed = true;
    window.clearTimeout(retry);
    ws?.close();
  };
}
