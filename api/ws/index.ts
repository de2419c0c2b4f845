/**
 * Live state changes over WebSocket at `/v2/ws`, on the REST API's port and with its authentication
 * (docs/websocket.md). This module owns the server side: it answers HTTP upgrade requests for the path
 * (`upgrade.ts` decides who may), adopts each socket as a `Connection`, fans every event committed (by any node sharing the store) out to
 * the connections (one engine listener for all), and pings them on a heartbeat.
 *
 * Lifecycle: `attachStateStream` starts listening for upgrades and engine events; `close()` stops both, closes
 * every connection with 1001 (destroying the sockets that do not answer within `closeGraceMs`) and resolves once
 * they are all closed.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ApiContext } from '../context.js';
import { CloseCode, Connection } from './connection.js';
import { resolveStreamOptions, type StreamOptions } from './options.js';
import { checkAccess, rejectUpgrade } from './upgrade.js';

export { DEFAULT_STREAM_OPTIONS, type StreamOptions, type StreamLogger } from './options.js';
export { CloseCode } from './connection.js';

/** The stream's path. */
export const STREAM_PATH = '/v2/ws';

export interface StreamStats {
  /** Connections open now. */
  connections: number;
  /** Connections dropped for falling behind, since the stream started. */
  overflows: number;
  /** Messages waiting in the connections' queues, and bytes their sockets hold unsent, now. */
  queued: number;
  bufferedBytes: number;
}

export interface StreamServer {
  stats(): StreamStats;
  close(): Promise<void>;
}

export function attachStateStream(
  server: Server,
  ctx: ApiContext,
  options: Partial<StreamOptions> = {},
): StreamServer {
  const opts = resolveStreamOptions(options);
  const tokens = ctx.config.authTokens.map((t) => Buffer.from(t));
  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    perMessageDeflate: false,
    maxPayload: opts.maxMessageBytes,
  });
  const connections = new Set<Connection>();
  let closing: Promise<void> | null = null;
  let overflows = 0;

  // Every node's commits, not only this node's: a client may watch an execution another node runs. Listened to
  // only while a connection is open (on a cluster, each listened commit costs an outbox read).
  let stopEvents: (() => void) | null = null;
  const offer = (ev: Parameters<Connection['offer']>[0]): void => {
    for (const c of connections) c.offer(ev);
  };

  const adopt = (ws: WebSocket, socket: Duplex): void => {
    if (closing) {
      ws.terminate();
      return;
    }
    const conn = new Connection(ws, ctx.engine, opts, () => (overflows += 1), socket);
    connections.add(conn);
    stopEvents ??= ctx.engine.onAnyNodeEvent(offer);
    void conn.closed.then(() => {
      connections.delete(conn);
      if (!connections.size) {
        stopEvents?.();
        stopEvents = null;
      }
    });
  };

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      url = new URL('http://localhost/');
    }
    if (url.pathname !== STREAM_PATH) {
      // Another upgrade handler may own the path; if there is none, do not leave the client hanging.
      if (server.listenerCount('upgrade') === 1) {
        rejectUpgrade(socket, {
          status: 404,
          body: { faultstring: `no WebSocket at ${url.pathname}`, code: 'NOT_FOUND' },
        });
      }
      return;
    }
    const denied = checkAccess(req, url, tokens);
    if (denied) {
      rejectUpgrade(socket, denied);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => adopt(ws, socket));
  };
  server.on('upgrade', onUpgrade);

  const heartbeat =
    opts.heartbeatMs > 0
      ? setInterval(() => {
          for (const c of connections) c.heartbeat();
        }, opts.heartbeatMs)
      : null;
  heartbeat?.unref();

  return {
    stats() {
      let queued = 0;
      let bufferedBytes = 0;
      for (const c of connections) {
        queued += c.queued;
        bufferedBytes += c.buffered;
      }
      return { connections: connections.size, overflows, queued, bufferedBytes };
    },
    close() {
      closing ??= (async () => {
        server.off('upgrade', onUpgrade);
        if (heartbeat) clearInterval(heartbeat);
        stopEvents?.();
        stopEvents = null;
        await Promise.all([...connections].map((c) => c.close(CloseCode.goingAway, 'server shutting down')));
        await new Promise<void>((resolve) => wss.close(() => resolve()));
      })();
      return closing;
    },
  };
}
