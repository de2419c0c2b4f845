/**
 * Persisted Mistral cron triggers that start executions, exactly once across engine nodes sharing a store.
 *
 * Lifecycle: `start()` runs a tick at once (catching up after a restart) and then every `tickMs`, each tick
 * scheduled when the previous one has finished, on an unref'd timer; `stop()` cancels the next tick and waits
 * for the running one, so the engine can close after it.
 *
 * A tick lists the triggers due at `clock.now()` and, for each, claims the run with the store's
 * compare-and-swap on `next_execution_time` (decrementing the runs left, or deleting the trigger after its
 * last run), then starts the execution. Only the node whose swap won starts it. The claim comes first, so a
 * start that then fails (the workflow was deleted, its input changed, the process died) loses that run: it is
 * logged, as in Mistral, rather than retried and possibly run twice.
 *
 * The service also creates, reads and deletes triggers for the REST routes, with the same clock.
 */
import { isDeepStrictEqual } from 'node:util';
import { ConflictError, NotFoundError, toError } from '../../common/index.js';
import type { Engine, ExecutionRecord, Logger } from '../../engine/index.js';
import type { CronTriggerFilter, CronTriggerRow } from '../../store/index.js';
import { advanceAfterRun, cronDescription, newCronTrigger, type CronTriggerRequest } from './triggers.js';

export interface CronServiceOptions {
  /** Time between the end of one tick and the start of the next, in ms. @default 1000 (Mistral's interval) */
  tickMs?: number;
  /** Triggers processed per tick at most; the rest wait for the next tick. @default 100 */
  batchSize?: number;
  /** The time triggers are due against; tests move it to run a minute pattern without waiting. @default Date.now */
  clock?: { now(): number };
  /** Where lost runs and tick failures are reported. @default console.error */
  logger?: Logger;
}

const consoleLogger: Logger = {
  error: (obj, msg) => console.error(msg, obj),
  warn: (obj, msg) => console.warn(msg, obj),
};

export class CronService {
  private readonly tickMs: number;
  private readonly batchSize: number;
  private readonly clock: { now(): number };
  private readonly logger: Logger;
  private timer: NodeJS.Timeout | null = null;
  private readonly inFlight = new Set<Promise<unknown>>();
  private started = false;
  /** Bumped by start() and stop(), so that a tick finishing after stop() never schedules another. */
  private generation = 0;

  constructor(
    readonly engine: Engine,
    opts: CronServiceOptions = {},
  ) {
    this.tickMs = opts.tickMs ?? 1000;
    this.batchSize = opts.batchSize ?? 100;
    this.clock = opts.clock ?? { now: () => Date.now() };
    this.logger = opts.logger ?? consoleLogger;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.loop(++this.generation);
  }

  async stop(): Promise<void> {
    this.started = false;
    this.generation++;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await Promise.all(this.inFlight);
  }

  private loop(generation: number): void {
    const tick: Promise<unknown> = this.tick()
      .catch((err: unknown) => this.logger.error({ err: toError(err) }, 'cron trigger tick failed'))
      .finally(() => {
        this.inFlight.delete(tick);
        if (generation !== this.generation) return;
        this.timer = setTimeout(() => this.loop(generation), this.tickMs);
        this.timer.unref();
      });
    this.inFlight.add(tick);
  }

  /**
   * Fires every trigger due now that this node wins, and returns the executions it started. Public for tests
   * driving the service with their own clock; the ticker calls it.
   */
  async tick(): Promise<ExecutionRecord[]> {
    const now = this.clock.now();
    const store = this.engine.store;
    const started: ExecutionRecord[] = [];
    for (const t of await store.listDueCronTriggers(now, this.batchSize)) {
      if (!(await store.advanceCronTrigger(t.id, t.nextExecutionTime, advanceAfterRun(t, now)))) continue;
      try {
        started.push(
          await this.engine.startExecution({
            workflow: t.workflowName,
            input: t.workflowInput,
            params: t.workflowParams,
            description: cronDescription(t),
          }),
        );
      } catch (err) {
        // The run is claimed: retrying could start it twice across nodes. Mistral logs and loses it too.
        this.logger.error(
          { err: toError(err), cronTrigger: t.name, cronTriggerId: t.id, workflow: t.workflowName },
          'cron trigger run lost: the execution did not start',
        );
      }
    }
    return started;
  }

  // ---- the REST resource
  async create(req: CronTriggerRequest): Promise<CronTriggerRow> {
    await this.engine.findWorkflow(req.workflow); // fresh definitions for the lookup below, on any node
    const row = newCronTrigger(req, (w) => this.engine.definitions.workflowRow(w), this.clock.now());
    // Mistral's unique key: one trigger per workflow, pattern, input, params, first time and count.
    const same = await this.engine.store.listCronTriggers({
      workflowId: row.workflowId,
      pattern: row.pattern ?? undefined,
    });
    const twin = same.find(
      (t) =>
        t.pattern === row.pattern &&
        t.firstExecutionTime === row.firstExecutionTime &&
        t.remainingExecutions === row.remainingExecutions &&
        isDeepStrictEqual(t.workflowInput, row.workflowInput) &&
        isDeepStrictEqual(t.workflowParams, row.workflowParams),
    );
    if (twin) {
      throw new ConflictError(
        `Duplicate entry for cron trigger ${twin.name}: same workflow, pattern, input, params, first time and count`,
      );
    }
    await this.engine.store.createCronTrigger(row);
    return row;
  }

  async get(nameOrId: string): Promise<CronTriggerRow> {
    const row = await this.engine.store.getCronTrigger(nameOrId);
    if (!row) throw new NotFoundError('cron trigger', nameOrId);
    return row;
  }

  list(filter?: CronTriggerFilter): Promise<CronTriggerRow[]> {
    return this.engine.store.listCronTriggers(filter);
  }

  async delete(nameOrId: string): Promise<void> {
    if (!(await this.engine.store.deleteCronTrigger(nameOrId)))
      throw new NotFoundError('cron trigger', nameOrId);
  }
}
