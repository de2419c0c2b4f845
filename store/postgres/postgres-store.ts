/**
 * The networked store: PostgreSQL through `pg`, for several engine nodes on one database. Each operation is a
 * named function beside its SQL in this folder (one file per area, as graphile-worker keeps its SQL); this class
 * only binds them to a pool.
 *
 * Lifecycle: the pool is created at once and the schema migrated in the background; every operation waits for
 * the migration, so `openStore` stays synchronous and a database that cannot be reached fails the first
 * operation (the engine's recovery read at start-up) with a `STORE` error naming the location. All I/O is
 * asynchronous: the event loop never waits on the database. The engine's group commit hands `commit` a whole
 * kernel batch, written in one transaction.
 */
import type pg from 'pg';
import { TramError } from '../../common/index.js';
import type {
  ActionDefinitionRow,
  ChangeSet,
  CronTriggerAdvance,
  CronTriggerFilter,
  CronTriggerRow,
  DeliveryStore,
  EnvironmentRow,
  EventTriggerStore,
  ListOptions,
  Store,
  WorkbookRow,
  WorkflowDefinitionRow,
  ActionFilter,
  EventFilter,
  ExecutionFilter,
  TaskFilter,
} from '../types.js';
import { applyChangeSet } from './commit.js';
import * as cron from './cron-triggers.js';
import { createPool, storeWrite, transaction } from './db.js';
import * as defs from './definitions.js';
import { postgresDeliveryStore } from './delivery.js';
import { postgresEventTriggers } from './event-triggers.js';
import { migrate } from './migrations.js';
import * as outbox from './outbox.js';
import * as runtime from './runtime.js';

export interface PostgresStoreOptions {
  /** `postgres://user@host:port/db`. */
  url: string;
  /** Most connections this node opens. @default 10 */
  poolSize?: number;
}

/** The location without its password, for logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unparsable url)';
  }
}

export class PostgresStore implements Store {
  readonly description: string;
  readonly delivery: DeliveryStore;
  readonly eventTriggers: EventTriggerStore;
  private readonly pool: pg.Pool;
  private readonly ready: Promise<void>;

  constructor(opts: PostgresStoreOptions) {
    this.description = `postgres:${redactUrl(opts.url)}`;
    this.pool = createPool({ url: opts.url, max: opts.poolSize ?? 10 });
    this.ready = migrate(this.pool).then(
      () => undefined,
      (err: unknown) => {
        throw new TramError(
          'STORE',
          `cannot open PostgreSQL database at ${redactUrl(opts.url)}: ${(err as Error).message}`,
          { cause: err },
        );
      },
    );
    this.ready.catch(() => undefined); // reported by the first operation
    this.delivery = this.afterReady(postgresDeliveryStore(this.pool));
    this.eventTriggers = this.afterReady(postgresEventTriggers(this.pool));
  }

  /** The same operations, each waiting for the schema first. */
  private afterReady<T extends object>(ops: T): T {
    return Object.fromEntries(
      Object.entries(ops).map(([name, fn]) => [
        name,
        async (...args: unknown[]) => {
          await this.ready;
          return (fn as (...a: unknown[]) => unknown)(...args);
        },
      ]),
    ) as T;
  }

  /** The pool, once the schema is migrated. */
  private async db(): Promise<pg.Pool> {
    await this.ready;
    return this.pool;
  }

  async commit(changes: ChangeSet): Promise<void> {
    const pool = await this.db();
    await storeWrite('commit', () => transaction(pool, (db) => applyChangeSet(db, changes)));
  }

  // ---- definitions
  async saveDocument(wb: WorkbookRow | null, wfs: WorkflowDefinitionRow[], acts: ActionDefinitionRow[]) {
    return defs.saveDocument(await this.db(), wb, wfs, acts);
  }
  async getWorkbook(name: string, namespace?: string) {
    return defs.getWorkbook(await this.db(), name, namespace);
  }
  async listWorkbooks(opts?: ListOptions) {
    return defs.listWorkbooks(await this.db(), opts);
  }
  async deleteWorkbook(name: string, namespace?: string) {
    return defs.deleteWorkbook(await this.db(), name, namespace);
  }
  async getWorkflowDefinition(nameOrId: string, namespace?: string) {
    return defs.getDefinition<WorkflowDefinitionRow>(
      await this.db(),
      'workflow_definitions',
      nameOrId,
      namespace,
    );
  }
  async listWorkflowDefinitions(opts?: ListOptions) {
    return defs.listDefinitions<WorkflowDefinitionRow>(await this.db(), 'workflow_definitions', opts);
  }
  async deleteWorkflowDefinition(id: string) {
    return defs.deleteDefinition(await this.db(), 'workflow_definitions', id);
  }
  async getActionDefinition(nameOrId: string, namespace?: string) {
    return defs.getDefinition<ActionDefinitionRow>(
      await this.db(),
      'action_definitions',
      nameOrId,
      namespace,
    );
  }
  async listActionDefinitions(opts?: ListOptions) {
    return defs.listDefinitions<ActionDefinitionRow>(await this.db(), 'action_definitions', opts);
  }
  async deleteActionDefinition(id: string) {
    return defs.deleteDefinition(await this.db(), 'action_definitions', id);
  }
  async putEnvironment(env: EnvironmentRow) {
    return defs.putEnvironment(await this.db(), env);
  }
  async getEnvironment(name: string) {
    return defs.getEnvironment(await this.db(), name);
  }
  async listEnvironments() {
    return defs.listEnvironments(await this.db());
  }
  async deleteEnvironment(name: string) {
    return defs.deleteEnvironment(await this.db(), name);
  }

  // ---- cron triggers
  async createCronTrigger(row: CronTriggerRow) {
    return cron.createCronTrigger(await this.db(), row);
  }
  async getCronTrigger(nameOrId: string) {
    return cron.getCronTrigger(await this.db(), nameOrId);
  }
  async listCronTriggers(filter?: CronTriggerFilter) {
    return cron.listCronTriggers(await this.db(), filter);
  }
  async deleteCronTrigger(nameOrId: string) {
    return cron.deleteCronTrigger(await this.db(), nameOrId);
  }
  async listDueCronTriggers(now: number, limit = 100) {
    return cron.listDueCronTriggers(await this.db(), now, limit);
  }
  async advanceCronTrigger(id: string, expectedNextTime: number, next: CronTriggerAdvance) {
    return cron.advanceCronTrigger(await this.db(), id, expectedNextTime, next, Date.now());
  }

  // ---- runtime reads
  async getExecution(id: string) {
    return runtime.getExecution(await this.db(), id);
  }
  async listExecutions(filter?: ExecutionFilter) {
    return runtime.listExecutions(await this.db(), filter);
  }
  async deleteExecution(id: string) {
    return runtime.deleteExecution(await this.db(), id);
  }
  async getTask(id: string) {
    return runtime.getTask(await this.db(), id);
  }
  async listTasks(filter?: TaskFilter) {
    return runtime.listTasks(await this.db(), filter);
  }
  async getActionExecution(id: string) {
    return runtime.getActionExecution(await this.db(), id);
  }
  async listActionExecutions(filter?: ActionFilter) {
    return runtime.listActionExecutions(await this.db(), filter);
  }
  async loadUnfinished() {
    return runtime.loadUnfinished(await this.db());
  }
  async loadExecutions(ids: string[]) {
    return runtime.loadExecutions(await this.db(), ids);
  }

  // ---- outbox
  async readEvents(filter?: EventFilter) {
    return outbox.readEvents(await this.db(), filter);
  }
  async ackEvents(ids: number[]) {
    return outbox.ackEvents(await this.db(), ids);
  }
  async getEvent(id: number) {
    return outbox.getEvent(await this.db(), id);
  }

  async close(): Promise<void> {
    await this.ready.catch(() => undefined);
    await this.pool.end();
  }
}
