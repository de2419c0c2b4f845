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
import type { Listener } from '../../model/index.js';
import type {
  ActionDefinitionRow,
  ChangeSet,
  CronTriggerAdvance,
  CronTriggerFilter,
  CronTriggerRow,
  DeliveryStore,
  EnvironmentRow,
  EventTriggerStore,
  RetentionStore,
  ListOptions,
  Store,
  WorkbookRow,
  WorkflowDefinitionRow,
  ActionFilter,
  EventFilter,
  ExecutionFilter,
  TaskFilter,
} from '../types.js';
import { Cluster, type ClusterOptions } from './cluster.js';
import { applyChangeSet } from './commit.js';
import * as cron from './cron-triggers.js';
import { createPool, storeWrite, transaction } from './db.js';
import * as defs from './definitions.js';
import { postgresDeliveryStore } from './delivery.js';
import { postgresEventTriggers } from './event-triggers.js';
import { postgresRetention } from './retention.js';
import { removeWorkbook, saveWorkbook } from './workbook-save.js';
import { migrate } from './migrations.js';
import * as outbox from './outbox.js';
import * as runtime from './runtime.js';
import { SpecRefs } from '../spec-refs.js';

export interface PostgresStoreOptions extends ClusterOptions {
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
  readonly cluster: Cluster;
  readonly retention: RetentionStore;
  private readonly pool: pg.Pool;
  private readonly ready: Promise<void>;
  /** The workflow specs executions refer to, by number (`store/spec-refs.ts`). */
  private readonly specs = new SpecRefs();

  constructor(opts: PostgresStoreOptions) {
    this.description = `postgres:${redactUrl(opts.url)}`;
    this.pool = createPool({ url: opts.url, max: opts.poolSize ?? 10 });
    this.cluster = new Cluster(this.pool, () => this.ready, opts.url, opts);
    this.ready = migrate(this.pool).then(
      () => this.cluster.join(),
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
    this.retention = this.afterReady(postgresRetention(this.pool));
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
    const specIds = new Map<string, number>();
    await storeWrite('commit', () =>
      transaction(pool, async (db) => {
        await this.cluster.assertOwner(db);
        await applyChangeSet(db, changes, this.cluster.nodeId, this.specs, specIds);
      }),
    );
    this.specs.confirm(specIds);
  }

  // ---- definitions
  async saveDocument(wb: WorkbookRow | null, wfs: WorkflowDefinitionRow[], acts: ActionDefinitionRow[]) {
    await defs.saveDocument(await this.db(), wb, wfs, acts);
    await this.definitionsChanged();
  }
  async saveWorkbook(
    wb: WorkbookRow,
    wfs: WorkflowDefinitionRow[],
    acts: ActionDefinitionRow[],
    listeners: Listener[],
  ) {
    await saveWorkbook(await this.db(), wb, wfs, acts, listeners);
    await this.definitionsChanged();
  }
  async removeWorkbook(name: string, namespace: string) {
    const deleted = await removeWorkbook(await this.db(), name, namespace);
    await this.definitionsChanged();
    return deleted;
  }
  /** The other nodes reload their definitions (they keep them in memory). */
  private async definitionsChanged(): Promise<void> {
    await this.cluster.tell(this.pool, 'definitions').catch(() => undefined);
  }
  async getWorkbook(name: string, namespace?: string) {
    return defs.getWorkbook(await this.db(), name, namespace);
  }
  async listWorkbooks(opts?: ListOptions) {
    return defs.listWorkbooks(await this.db(), opts);
  }
  async deleteWorkbook(name: string, namespace?: string) {
    const deleted = await defs.deleteWorkbook(await this.db(), name, namespace);
    await this.definitionsChanged();
    return deleted;
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
    const deleted = await defs.deleteDefinition(await this.db(), 'workflow_definitions', id);
    await this.definitionsChanged();
    return deleted;
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
    const deleted = await defs.deleteDefinition(await this.db(), 'action_definitions', id);
    await this.definitionsChanged();
    return deleted;
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
    return runtime.getExecution(await this.db(), id, this.specs);
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
  /** What this node owns, after taking over the executions of nodes that died (or of a previous run). */
  async loadUnfinished() {
    await this.cluster.claimOrphans();
    return runtime.loadUnfinished(await this.db(), this.cluster.nodeId, this.specs);
  }
  /** Only executions this node may run: an unfinished one owned by another live node is left to it. */
  async loadExecutions(ids: string[]) {
    const pool = await this.db();
    return runtime.loadExecutions(pool, await this.cluster.claimForLoad(pool, ids), this.specs);
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
    await this.cluster.leave();
    await this.pool.end();
  }
}
