/**
 * A connection's outgoing buffer, so that the engine never waits for a socket. `push` never blocks: a message
 * goes straight to the socket while the socket holds less than `maxBufferedBytes` unsent (`bufferedAmount`),
 * and otherwise waits in this queue, in order. Each completed socket write pumps the queue again. When more
 * than `maxQueuedMessages` wait, the queue stops (drops what it holds, accepts nothing more) and reports the
 * overflow once; the connection then tells the client and disconnects it.
 *
 * Writes of one tick are corked together (see `write`).
 *
 * Memory per connection is thus bounded by about `maxBufferedBytes` + `maxQueuedMessages` messages.
 */
import { WebSocket } from 'ws';

/** The part of a `ws` WebSocket the queue uses. */
export interface Sink {
  readonly bufferedAmount: number;
  readonly readyState: number;
  send(data: string, cb: (err?: Error) => void): void;
}

/** The raw socket under the WebSocket, corked for the rest of a tick so that a burst of messages is one write. */
export interface Corkable {
  cork(): void;
  uncork(): void;
}

/** Corked writes are handed to the kernel when this much has accumulated. */
const FLUSH_BYTES = 64 * 1024;

export interface SendLimits {
  maxBufferedBytes: number;
  maxQueuedMessages: number;
}

export class SendQueue {
  private items: string[] = [];
  private head = 0;
  private stopped = false;
  private waiters: (() => void)[] = [];
  private corked = false;
  private tickScheduled = false;

  constructor(
    private readonly sink: Sink,
    private readonly limits: SendLimits,
    private readonly onOverflow: () => void,
    private readonly socket: Corkable | null = null,
  ) {}

  /** Messages waiting for room in the socket. */
  get length(): number {
    return this.items.length - this.head;
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  /** Sends or queues one message. False when the socket is closing or the queue has stopped: it is dropped. */
  push(frame: string): boolean {
    // A closing socket sends nothing more: what it would queue is dropped, it is no reason to overflow.
    if (this.stopped || this.sink.readyState !== WebSocket.OPEN) return false;
    if (this.length === 0 && this.hasRoom()) {
      this.write(frame);
      return true;
    }
    if (this.length >= this.limits.maxQueuedMessages) {
      this.stop();
      this.onOverflow();
      return false;
    }
    this.items.push(frame);
    return true;
  }

  /** Resolves once nothing waits in the queue (or it has stopped). */
  drained(): Promise<void> {
    if (this.length === 0 || this.stopped) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Moves waiting messages to the socket while it has room. Called after each write completes. */
  readonly pump = (): void => {
    while (this.length > 0 && this.hasRoom()) {
      const frame = this.items[this.head] as string;
      this.items[this.head] = '';
      this.head += 1;
      this.write(frame);
    }
    if (this.length === 0) {
      this.items = [];
      this.head = 0;
      this.wake();
    } else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  };

  /** Drops what waits and accepts nothing more (the connection is closing). */
  stop(): void {
    this.stopped = true;
    this.items = [];
    this.head = 0;
    this.wake();
  }

  private hasRoom(): boolean {
    return this.sink.readyState === WebSocket.OPEN && this.sink.bufferedAmount < this.limits.maxBufferedBytes;
  }

  private write(frame: string): void {
    // The engine publishes a transaction's events in one synchronous burst: writing them to the kernel one
    // syscall each costs more than producing them. They are corked and leave together, at the end of the tick
    // or every FLUSH_BYTES (so that the kernel's buffers still absorb a burst while it lasts).
    if (this.socket && !this.corked) {
      this.corked = true;
      this.socket.cork();
      if (!this.tickScheduled) {
        this.tickScheduled = true;
        process.nextTick(this.endOfTick);
      }
    }
    this.sink.send(frame, this.written);
    if (this.corked && this.sink.bufferedAmount >= FLUSH_BYTES) this.uncork();
  }

  private uncork(): void {
    if (!this.corked) return;
    this.corked = false;
    this.socket?.uncork();
  }

  private readonly endOfTick = (): void => {
    this.tickScheduled = false;
    this.uncork();
  };

  private readonly written = (err?: Error): void => {
    if (!err) this.pump();
  };

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}
