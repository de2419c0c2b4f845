/** PLACEHOLDER (replaced by the WebSocket work): live state changes at /v2/ws. */
import type { Server } from 'node:http';
import type { ApiContext } from '../context.js';

export interface StreamServer {
  close(): Promise<void>;
}

export function attachStateStream(_server: Server, _ctx: ApiContext): StreamServer {
  return { close: async () => undefined };
}
