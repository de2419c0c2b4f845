/**
 * Engine nodes sharing one PostgreSQL database: membership, leases, fencing and takeover.
 *
 * Lifecycle of a node: it registers a row in `nodes` once the schema is ready, then renews `heartbeat_at` every
 * third of the lease from a thread of its own (`heartbeat.ts`). Every engine commit starts with
 * `SELECT ... FROM nodes WHERE id = me FOR KEY SHARE`: the row lock keeps a takeover (a DELETE) waiting until the
 * commit is done without holding up the heartbeat (an UPDATE of a non-key column), and a node whose row is gone
 * (declared dead) has its commit refused (the fencing token is the row itself). Another node declares it dead
 * once `heartbeat_at` is older than the lease (database time, so clocks of the nodes do not matter), deletes its
 * row, and moves the ownership of its unfinished execution rows to itself in the same transaction, then recovers
 * them. Claims take one advisory lock so that a whole execution tree goes to one node. A node that closes cleanly
 * deletes its own row, so its executions are taken over at once.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { TramError } from '../../common/index.js';
import type { ClusterCommand, ClusterMembership } from '../types.js';
import {
  COMMANDS_CHANNEL,
  deleteStaleCommands,
  runCommands,
  sendCommand,
  type CommandHandler,
} from './commands.js';
import { transaction, type Queryable } from './db.js';
import { Heartbeat } from './heartbeat.js';

/** Any constant: the key of the advisory lock that serialises takeovers. */
const CLAIM_LOCK = 0x636c6169; // 'clai'
/** Keys of the session advisory locks that elect the node holding a role. */
const ROLE_LOCKS: Record<string, number> = { delivery: 0x64656c69 /* 'deli' */ };
/** The channels on which a node tells the others it committed outbox events, or changed definitions. */
export const CHANNELS = { events: 'tram_outbox', definitions: 'tram_definitions' } as const;
const DB_NOW = `(extract(epoch from clock_timestamp()) * 1000)::bigint`;
const UNFINISHED = `(state IN ('IDLE','RUNNING','PAUSED') OR id IN (SELECT workflow_execution_id FROM
  task_executions WHERE state NOT IN ('SUCCESS','ERROR','CANCELLED','SKIPPED')))`;

export interface ClusterOptions {
  /** A node that has not renewed its lease for this long is dead. @default 5000 */
  leaseMs?: number;
  /** How often a node looks for dead nodes' executions. @default 1000 */
  pollMs?: number;
  /** How long a steering call handed to another node waits for its outcome. @default 10000 */
  commandTimeoutMs?: number;
}

export class Cluster implements ClusterMembership {
  readonly nodeId = randomUUID();
  readonly pollMs: number;
  private readonly leaseMs: number;
  private readonly commandTimeoutMs: number;
  private commandHandler: CommandHandler | null = null;
  private commandsRunning = false;
  private commandsAgain = false;
  private heartbeat: Heartbeat | null = null;
  private commandPoll: NodeJS.Timeout | null = null;
  private lastSweep = 0;
  /** Set when another node declared this one dead: every later commit is refused. */
  private fenced = false;
  private readonly fencedListeners = new Set<(err: TramError) => void>();
  /** A session of its own: LISTEN for other nodes' commits, and the session advisory locks of roles held. */
  private session: pg.Client | null = null;
  private readonly remoteListeners = { events: new Set<() => void>(), definitions: new Set<() => void>() };
  private readonly roleWaits = new Map<string, NodeJS.Timeout>();
  private left = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly ready: () => Promise<void>,
    private readonly url: string,
    opts: ClusterOptions = {},
  ) {
    this.leaseMs = opts.leaseMs ?? 5000;
    this.pollMs = opts.pollMs ?? 1000;
    this.commandTimeoutMs = opts.commandTimeoutMs ?? 10_000;
  }

  private async openSession(): Promise<pg.Client> {
    if (this.session) return this.session;
    const client = new pg.Client({ connectionString: this.url });
    // A lost session loses the roles it held (PostgreSQL releases the locks): another node takes them.
    client.on('error', () => {
      if (this.session === client) this.session = null;
    });
    client.on('notification', (msg) => {
      if (msg.channel === COMMANDS_CHANNEL) {
        if (msg.payload === this.nodeId) this.takeCommands();
        return;
      }
      if (msg.payload === this.nodeId) return;
      const what =
        msg.channel === CHANNELS.events
          ? 'events'
          : msg.channel === CHANNELS.definitions
            ? 'definitions'
            : null;
      if (what) for (const fn of this.remoteListeners[what]) fn();
    });
    await client.connect();
    for (const channel of [...Object.values(CHANNELS), COMMANDS_CHANNEL])
      await client.query(`LISTEN ${channel}`);
    this.session = client;
    return client;
  }

  /** Calls `fn` whenever another node commits outbox events, or changes definitions. */
  onRemote(what: 'events' | 'definitions', fn: () => void): () => void {
    this.remoteListeners[what].add(fn);
    return () => this.remoteListeners[what].delete(fn);
  }

  async latestEventId(): Promise<number> {
    await this.ready();
    const { rows } = await this.pool.query('SELECT coalesce(max(id), 0) AS id FROM outbox');
    return Number(rows[0]?.id ?? 0);
  }

  async forward(executionId: string, cmd: ClusterCommand): Promise<{ value: unknown } | undefined> {
    await this.ready();
    const { rows } = await this.pool.query(
      `SELECT owner_node FROM workflow_executions WHERE id = $1 AND owner_node <> $2
         AND owner_node IN (SELECT id FROM nodes WHERE heartbeat_at >= ${DB_NOW} - $3)`,
      [executionId, this.nodeId, this.leaseMs],
    );
    const owner = rows[0]?.owner_node as string | undefined;
    if (!owner) return undefined;
    const value = await sendCommand(this.pool, owner, cmd, {
      timeoutMs: this.commandTimeoutMs,
      pollMs: 50,
      now: () => Date.now(),
    });
    return { value };
  }

  serveCommands(handle: CommandHandler): void {
    this.commandHandler = handle;
    this.takeCommands();
  }

  /** Applies the pending commands addressed to this node (one pass at a time; a wake-up meanwhile runs another). */
  private takeCommands(): void {
    const handle = this.commandHandler;
    if (!handle || this.fenced || this.left) return;
    if (this.commandsRunning) {
      this.commandsAgain = true;
      return;
    }
    this.commandsRunning = true;
    this.commandsAgain = false;
    void runCommands(this.pool, this.nodeId, handle)
      .catch(() => undefined) // the next heartbeat tries again
      .finally(() => {
        this.commandsRunning = false;
        if (this.commandsAgain) this.takeCommands();
      });
  }

  /** Tells the other nodes (at commit, when `db` is a transaction). */
  async tell(db: Queryable, what: keyof typeof CHANNELS): Promise<void> {
    await db.query('SELECT pg_notify($1, $2)', [CHANNELS[what], this.nodeId]);
  }

  /**
   * Calls `start` once this node holds `role` (a session advisory lock: one node at a time, released by
   * PostgreSQL when the node's connection drops, so a survivor takes the role within one poll).
   */
  lead(role: string, start: () => Promise<void>): void {
    const key = ROLE_LOCKS[role];
    if (key === undefined) throw new TramError('CONFIG', `unknown cluster role: ${role}`);
    let trying = false;
    const attempt = async (): Promise<void> => {
      if (trying || this.left) return;
      trying = true;
      try {
        await this.ready();
        const session = await this.openSession();
        const { rows } = await session.query('SELECT pg_try_advisory_lock($1) AS won', [key]);
        if (rows[0]?.won !== true) return;
        clearInterval(this.roleWaits.get(role));
        this.roleWaits.delete(role);
        await start();
      } catch {
        // Not reachable now: the next poll tries again.
      } finally {
        trying = false;
      }
    };
    const wait = setInterval(() => void attempt(), this.pollMs);
    wait.unref();
    this.roleWaits.set(role, wait);
    void attempt();
  }

  /** Registers the node and starts its heartbeat (after the schema is ready). */
  async join(): Promise<void> {
    await this.pool.query(
      `INSERT INTO nodes (id, heartbeat_at, started_at) VALUES ($1, ${DB_NOW}, ${DB_NOW})`,
      [this.nodeId],
    );
    await this.openSession();
    const everyMs = Math.max(50, Math.floor(this.leaseMs / 3));
    this.heartbeat = new Heartbeat({
      url: this.url,
      nodeId: this.nodeId,
      everyMs,
      sql: `UPDATE nodes SET heartbeat_at = ${DB_NOW} WHERE id = $1`,
      onLost: () => this.fence(),
    });
    this.commandPoll = setInterval(() => void this.pollCommands(), everyMs);
    this.commandPoll.unref();
  }

  /** Commands whose notification was missed (a session reopened) are found here; stale ones are swept. */
  private async pollCommands(): Promise<void> {
    this.takeCommands();
    try {
      await this.sweepCommands(this.pool);
    } catch {
      // The database is unreachable: the next poll tries again.
    }
  }

  /** Calls `fn` once, when this node finds it was declared dead: its commits are refused from then on. */
  onFenced(fn: (err: TramError) => void): () => void {
    if (this.fenced) fn(this.fence());
    this.fencedListeners.add(fn);
    return () => this.fencedListeners.delete(fn);
  }

  private fence(): TramError {
    const err = new TramError(
      'STORE',
      `node ${this.nodeId} lost its lease (another node took its executions over): its writes are refused`,
    );
    if (this.fenced) return err;
    this.fenced = true;
    for (const fn of this.fencedListeners) fn(err);
    return err;
  }

  /**
   * At most once per command timeout: deletes the commands older than twice the timeout (node clocks, as the
   * callers stamp them; a skew below one timeout between nodes deletes nothing a caller still waits for).
   */
  private async sweepCommands(db: Queryable): Promise<void> {
    const now = Date.now();
    if (now - this.lastSweep < this.commandTimeoutMs) return;
    this.lastSweep = now;
    await deleteStaleCommands(db, now - 2 * this.commandTimeoutMs);
  }

  /** The fencing check, first in every engine commit's transaction. */
  async assertOwner(db: Queryable): Promise<void> {
    const { rows } = this.fenced
      ? { rows: [] }
      : await db.query('SELECT 1 FROM nodes WHERE id = $1 FOR KEY SHARE', [this.nodeId]);
    if (!rows.length) throw this.fence();
  }

  async claimOrphans(): Promise<string[]> {
    await this.ready();
    if (this.fenced) return [];
    return transaction(this.pool, async (db) => {
      await db.query('SELECT pg_advisory_xact_lock($1)', [CLAIM_LOCK]);
      // A node declared dead meanwhile claims nothing (what it would claim goes to a dead id).
      await this.assertOwner(db);
      // Never itself: a node running this is alive, however late its own heartbeat (an event loop or a process
      // stalled past the lease renews it only now); deleting its own row would fence it for nothing.
      await db.query(`DELETE FROM nodes WHERE heartbeat_at < ${DB_NOW} - $1 AND id <> $2`, [
        this.leaseMs,
        this.nodeId,
      ]);
      const { rows } = await db.query(
        `UPDATE workflow_executions SET owner_node = $1
         WHERE (owner_node IS NULL OR owner_node NOT IN (SELECT id FROM nodes)) AND ${UNFINISHED}
         RETURNING id, created_at`,
        [this.nodeId],
      );
      return rows
        .sort(
          (a, b) =>
            (a.created_at as number) - (b.created_at as number) || String(a.id).localeCompare(String(b.id)),
        )
        .map((r) => r.id as string);
    });
  }

  /** Of `ids`, those this node may load: its own, orphans (claimed now), and finished ones (re-opened here). */
  async claimForLoad(db: Queryable, ids: string[]): Promise<string[]> {
    if (!ids.length) return [];
    const { rows } = await db.query(
      `UPDATE workflow_executions SET owner_node = $1
       WHERE id = ANY($2::text[]) AND (owner_node IS NULL OR owner_node = $1
         OR owner_node NOT IN (SELECT id FROM nodes) OR NOT ${UNFINISHED})
       RETURNING id`,
      [this.nodeId, ids],
    );
    const allowed = new Set(rows.map((r) => r.id as string));
    return ids.filter((id) => allowed.has(id));
  }

  /** Stops the heartbeat and leaves: the node's executions are free to be taken over at once. */
  async leave(): Promise<void> {
    this.left = true;
    if (this.commandPoll) clearInterval(this.commandPoll);
    this.commandPoll = null;
    await this.heartbeat?.stop();
    this.heartbeat = null;
    for (const wait of this.roleWaits.values()) clearInterval(wait);
    this.roleWaits.clear();
    await this.session?.end().catch(() => undefined);
    this.session = null;
    if (!this.fenced)
      await this.pool.query('DELETE FROM nodes WHERE id = $1', [this.nodeId]).catch(() => undefined);
  }
}
