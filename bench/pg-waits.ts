/**
 * Where PostgreSQL sessions wait while the cluster bench runs: a sampler reads `pg_locks` (lock requests not
 * granted) with the waiting statement every few milliseconds and names each wait by what the engine locks:
 * the outbox advisory lock (commits with events, in id order), PostgreSQL's own lock that orders the commits
 * of transactions that sent NOTIFY, the takeover advisory lock, a `nodes` row (the fencing share lock against
 * the heartbeat or a takeover), or another row. The figures say which lock nodes
 * queue on, and how often; sampling, not tracing, so a wait shorter than the period is mostly missed.
 */
import pg from 'pg';

/** The advisory lock keys of `store/postgres/commit.ts` and `cluster.ts`. */
const ADVISORY: Record<number, string> = {
  [0x6f757462]: 'outbox advisory lock',
  [0x636c6169]: 'takeover advisory lock',
  [0x7472616d]: 'migration advisory lock',
};

const SAMPLE = `
  SELECT l.locktype, l.classid, l.objid, left(a.query, 60) AS query
  FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
  WHERE NOT l.granted AND a.datname = current_database()`;

/** `pg_database`: PostgreSQL serialises the commits of transactions that sent NOTIFY on a lock of this class. */
const PG_DATABASE = 1262;

function nameOf(locktype: string, classid: number | null, objid: number | null, query: string): string {
  if (locktype === 'advisory') return ADVISORY[objid ?? -1] ?? `advisory lock ${objid}`;
  if (locktype === 'object' && classid === PG_DATABASE) return 'NOTIFY commit lock';
  if (/^\s*(UPDATE nodes|DELETE FROM nodes|SELECT 1 FROM nodes)/i.test(query))
    return 'nodes row (heartbeat/fencing)';
  return `${locktype} (${query.trim().split(/\s+/).slice(0, 3).join(' ')})`;
}

export interface WaitFigures {
  samples: number;
  /** Per wait: samples in which at least one session waited on it, and waiters summed over samples. */
  waits: Map<string, { samples: number; waiters: number }>;
}

export class WaitSampler {
  private readonly client: pg.Client;
  private timer: NodeJS.Timeout | null = null;
  private busy = false;
  readonly figures: WaitFigures = { samples: 0, waits: new Map() };

  constructor(url: string) {
    this.client = new pg.Client({ connectionString: url });
  }

  async start(periodMs = 25): Promise<void> {
    await this.client.connect();
    this.timer = setInterval(() => void this.sample(), periodMs);
  }

  private async sample(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const { rows } = await this.client.query(SAMPLE);
      this.figures.samples++;
      const now = new Map<string, number>();
      for (const r of rows) {
        const num = (v: unknown) => (v === null ? null : Number(v));
        const name = nameOf(String(r.locktype), num(r.classid), num(r.objid), String(r.query));
        now.set(name, (now.get(name) ?? 0) + 1);
      }
      for (const [name, n] of now) {
        const w = this.figures.waits.get(name) ?? { samples: 0, waiters: 0 };
        w.samples++;
        w.waiters += n;
        this.figures.waits.set(name, w);
      }
    } catch {
      // The database is being dropped: the run is over.
    } finally {
      this.busy = false;
    }
  }

  async stop(): Promise<WaitFigures> {
    if (this.timer) clearInterval(this.timer);
    while (this.busy) await new Promise((r) => setTimeout(r, 5));
    await this.client.end().catch(() => undefined);
    return this.figures;
  }
}

/** Adds `b` into `a`. */
export function addWaits(a: WaitFigures, b: WaitFigures): void {
  a.samples += b.samples;
  for (const [name, w] of b.waits) {
    const into = a.waits.get(name) ?? { samples: 0, waiters: 0 };
    into.samples += w.samples;
    into.waiters += w.waiters;
    a.waits.set(name, into);
  }
}

/** One line per wait, most frequent first: share of samples with a waiter, and mean waiters when waiting. */
export function describeWaits(label: string, f: WaitFigures): string[] {
  if (!f.samples) return [`${label}: no samples`];
  const waits = [...f.waits.entries()].sort((x, y) => y[1].samples - x[1].samples);
  if (!waits.length) return [`${label}: no lock wait in ${f.samples} samples`];
  return [
    `${label} (${f.samples} samples):`,
    ...waits.map(
      ([name, w]) =>
        `  ${name}: ${((w.samples / f.samples) * 100).toFixed(1)}% of samples, ${(w.waiters / w.samples).toFixed(1)} waiting`,
    ),
  ];
}
