/**
 * The state stream's tunables: one interface documented with `@default`, one defaults object, and the check
 * that rejects an unusable value (named in the error) when the stream is attached.
 */
import { TramError } from '../../common/index.js';

export interface StreamLogger {
  warn(obj: object, msg: string): void;
}

export interface StreamOptions {
  /**
   * Bytes a socket may hold unsent (`ws.bufferedAmount`: written but not yet taken by the kernel) before further
   * messages wait in the connection's own queue.
   * @default 1048576 (1 MiB)
   */
  maxBufferedBytes: number;
  /**
   * Messages a connection may hold in its own queue once the socket is full, and live events a subscription
   * may hold back while it replays from the store. One more and the client is sent `overflow` and disconnected.
   * A state change message is about 300 bytes.
   * @default 10000
   */
  maxQueuedMessages: number;
  /** Subscriptions one connection may hold; one more is answered with status 429. @default 100 */
  maxSubscriptions: number;
  /** Store events read per page during a replay; the next page waits until the queue has drained. @default 500 */
  replayPageSize: number;
  /**
   * Interval of the server's WebSocket ping frames. A client that has not answered the previous ping (nor sent
   * anything) by the next one is disconnected. 0 disables.
   * @default 30000
   */
  heartbeatMs: number;
  /** How long a closing handshake (overflow, shutdown) may take before the socket is destroyed. @default 1000 */
  closeGraceMs: number;
  /** Largest message a client may send; a larger one closes the connection (1009). @default 65536 */
  maxMessageBytes: number;
  /** Where failures that have no client to answer go (a store error during a replay). @default silent */
  logger: StreamLogger;
}

export const DEFAULT_STREAM_OPTIONS: StreamOptions = {
  maxBufferedBytes: 1024 * 1024,
  maxQueuedMessages: 10_000,
  maxSubscriptions: 100,
  replayPageSize: 500,
  heartbeatMs: 30_000,
  closeGraceMs: 1000,
  maxMessageBytes: 64 * 1024,
  logger: { warn: () => undefined },
};

const COUNTS = [
  'maxBufferedBytes',
  'maxQueuedMessages',
  'maxSubscriptions',
  'replayPageSize',
  'heartbeatMs',
  'closeGraceMs',
  'maxMessageBytes',
] as const;

export function resolveStreamOptions(overrides: Partial<StreamOptions> = {}): StreamOptions {
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  const opts: StreamOptions = { ...DEFAULT_STREAM_OPTIONS, ...defined };
  for (const key of COUNTS) {
    const v = opts[key];
    const min = key === 'heartbeatMs' || key === 'closeGraceMs' ? 0 : 1;
    if (!Number.isInteger(v) || v < min) {
      throw new TramError(
        'CONFIG',
        `invalid WebSocket stream option ${key}: ${String(v)} (an integer >= ${min})`,
      );
    }
  }
  if (opts.replayPageSize > opts.maxQueuedMessages) {
    throw new TramError(
      'CONFIG',
      `invalid WebSocket stream option replayPageSize: ${opts.replayPageSize} (at most maxQueuedMessages)`,
    );
  }
  return opts;
}
