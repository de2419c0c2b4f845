/**
 * The delivery area's service: the listener registry (create, change, delete, with validation and the egress
 * policy), the dispatcher's life cycle, manual redelivery and recovery, statuses and their deadline sweeper.
 * The API, the CLI (through the API) and workbook definitions all change listeners through here, so the
 * dispatcher always sees the registry as stored.
 */
import { randomUUID } from 'node:crypto';
import { ConflictError, InvalidInputError, NotFoundError } from '../common/index.js';
import type { Engine } from '../engine/index.js';
import { listenerOwnerNamespace as ownerNamespace } from '../model/index.js';
import type { Store } from '../store/index.js';
import { checkEgress, newSecret, type AmqpTransport, type HttpTransport } from '../transports/index.js';
import { Dispatcher, type DispatcherOptions } from './dispatcher.js';
import { keepMasked } from './secrets.js';
import { Sender } from './send.js';
import { applyStatusUpdate, sweepOverdueStatuses } from './statuses.js';
import type {
  Attempt,
  DeliveryApi,
  Listener,
  ListenerPatch,
  ListenerView,
  NewListener,
  StatusRecord,
  StatusUpdate,
  WorkbookListenerPlan,
  WorkbookRef,
} from './types.js';

/** ` in namespace a` for a workbook's listener outside the default namespace, for messages. */
function inNamespace(l: Listener): string {
  const ns = ownerNamespace(l);
  return ns === '' ? '' : ` in namespace ${ns}`;
}

export interface DeliveryServiceOptions extends DispatcherOptions {
  /** Listener URLs may point at loopback and private addresses. */
  allowPrivate: boolean;
  defaultAmqpUrl: string;
  /** How often overdue statuses are completed as timed out. @default 1000 */
  statusSweepMs?: number;
}

export class DeliveryService implements DeliveryApi {
  readonly dispatcher: Dispatcher;
  private readonly now: () => number;
  private unsubscribe: (() => void) | null = null;
  private sweeper: NodeJS.Timeout | null = null;
  private sweeping = false;
  /** Set while a wake-up of the fan-out is scheduled. */
  private kickPending = false;

  constructor(
    private readonly engine: Engine,
    http: HttpTransport,
    amqp: AmqpTransport,
    private readonly opts: DeliveryServiceOptions,
  ) {
    this.now = opts.now ?? Date.now;
    const sender = new Sender(http, amqp, { defaultAmqpUrl: opts.defaultAmqpUrl, now: this.now });
    this.dispatcher = new Dispatcher(engine.store, sender, { ...opts, shared: !!engine.store.cluster });
  }

  /**
   * Wakes the fan-out on the next turn of the event loop, once for all the events of a commit (six for a small
   * execution) and of the commits of the same turn. Not inside the engine's commit: the fan-out reads the outbox
   * back from the store, and run there it would delay the answers to the commit's callers (a tenth of a POST).
   */
  private readonly kickSoon = (): void => {
    if (this.kickPending) return;
    this.kickPending = true;
    setImmediate(() => {
      this.kickPending = false;
      this.dispatcher.kick();
    });
  };

  private get store(): Store {
    return this.engine.store;
  }

  async start(): Promise<void> {
    const cluster = this.store.cluster;
    if (cluster) {
      // Several nodes: one of them dispatches (order per listener and execution needs one sender), woken by
      // every node's commits; a survivor takes over when it dies.
      cluster.lead('delivery', async () => {
        await this.dispatcher.start();
        const local = this.engine.onEvent(this.kickSoon);
        const remote = cluster.onRemote('events', this.kickSoon);
        this.unsubscribe = () => {
          local();
          remote();
        };
      });
    } else {
      await this.dispatcher.start();
      this.unsubscribe = this.engine.onEvent(this.kickSoon);
    }
    this.sweeper = setInterval(() => void this.sweep(), this.opts.statusSweepMs ?? 1000);
    this.sweeper.unref();
  }

  private async sweep(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      await sweepOverdueStatuses(this.store.delivery, this.now());
    } catch (err) {
      this.opts.logger?.error({ err }, 'status sweep failed');
    } finally {
      this.sweeping = false;
    }
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    if (this.sweeper) clearInterval(this.sweeper);
    await this.dispatcher.stop();
  }

  // ---- registry

  /** One egress policy for both transports (a null AMQP URL is the operator's own broker, not checked). */
  async checkTransport(l: Pick<Listener, 'transport'>): Promise<void> {
    const t = l.transport;
    if (t.type === 'http') await checkEgress(t.url, { allowPrivate: this.opts.allowPrivate });
    else if (t.url !== null && t.url !== this.opts.defaultAmqpUrl)
      await checkEgress(t.url, { allowPrivate: this.opts.allowPrivate, protocols: ['amqp:', 'amqps:'] });
  }

  async createListener(input: NewListener): Promise<Listener> {
    await this.checkTransport(input);
    const l = this.newRecord(input, this.now());
    await this.store.delivery.createListener(l);
    this.dispatcher.setListener(l);
    return l;
  }

  /** A listener's first record: a new id, its own secret unless one was given, a clean health. */
  private newRecord(input: NewListener, now: number): Listener {
    const { secret, ...rest } = input;
    return {
      ...rest,
      id: randomUUID(),
      secret: secret ?? newSecret(),
      disabledReason: null,
      health: { lastSuccessAt: null, lastFailureAt: null, firstFailureAt: null, failuresInRow: 0 },
      createdAt: now,
      updatedAt: now,
    };
  }

  private async stored(id: string): Promise<Listener> {
    const l = await this.store.delivery.getListener(id);
    if (!l) throw new NotFoundError('listener', id);
    return l;
  }

  private async view(l: Listener): Promise<ListenerView> {
    const backlog = (await this.store.delivery.countPending([l.id]))[l.id] ?? 0;
    const { secret: _secret, ...rest } = l;
    return { ...rest, backlog };
  }

  private ownedElsewhere(l: Listener): ConflictError | null {
    if (l.origin === 'workbook')
      return new ConflictError(
        `listener ${l.name} belongs to workbook ${String(l.owner)}${inNamespace(l)}: change the workbook`,
      );
    if (l.origin === 'notify')
      return new ConflictError(
        `listener ${l.name} comes from the params.notify of execution ${String(l.owner)}`,
      );
    return null;
  }

  async updateListener(id: string, patch: ListenerPatch): Promise<ListenerView> {
    const current = await this.stored(id);
    const owned = this.ownedElsewhere(current);
    // Enabling or disabling is an operator's switch, allowed on any listener.
    const onlyEnabled = Object.keys(patch).every((k) => k === 'enabled');
    if (owned && !onlyEnabled) throw owned;
    // A transport read back and sent again carries `***` where its credentials were: keep the stored ones.
    if (patch.transport) patch = { ...patch, transport: keepMasked(patch.transport, current.transport) };
    const next: Listener = { ...current, ...patch, updatedAt: this.now() };
    // The dispatcher's copy is the freshest health (outcomes are written in batches).
    const live = this.dispatcher.listener(id);
    if (live) next.health = { ...live.health };
    if (next.format === 'template' && (next.payload === null || next.payload === undefined)) {
      throw new InvalidInputError("format 'template' needs a payload", 'payload');
    }
    if (patch.transport) await this.checkTransport(next);
    if (patch.enabled === true && !current.enabled) {
      next.disabledReason = null;
      next.health = { ...next.health, firstFailureAt: null, failuresInRow: 0 };
    }
    if (patch.enabled === false && current.enabled) next.disabledReason = 'disabled by a user';
    if (!(await this.store.delivery.updateListener(next))) throw new NotFoundError('listener', id);
    this.dispatcher.setListener(next);
    return this.view(next);
  }

  async getListener(id: string): Promise<ListenerView> {
    return this.view(await this.stored(id));
  }

  async listListeners(filter: { afterId?: string; limit?: number } = {}): Promise<ListenerView[]> {
    const ls = await this.store.delivery.listListeners(filter);
    const backlog = await this.store.delivery.countPending(ls.map((l) => l.id));
    return ls.map(({ secret: _secret, ...rest }) => ({ ...rest, backlog: backlog[rest.id] ?? 0 }));
  }

  /** A listener by id, or by name (a workbook's listener is `<workbook>.<name>`). */
  private async byIdOrName(idOrName: string): Promise<Listener> {
    const l =
      (await this.store.delivery.getListener(idOrName)) ??
      (await this.store.delivery.getListenerByName(idOrName));
    if (!l) throw new NotFoundError('listener', idOrName);
    return l;
  }

  async listenerSecret(idOrName: string): Promise<Listener> {
    return this.byIdOrName(idOrName);
  }

  /**
   * A new signing secret for any listener, a workbook's included (its secret survives later uploads of the
   * workbook unless the workbook sets one). Deliveries signed from now on use it.
   */
  async rotateListenerSecret(idOrName: string): Promise<Listener> {
    const current = await this.byIdOrName(idOrName);
    const next: Listener = { ...current, secret: newSecret(), updatedAt: this.now() };
    const live = this.dispatcher.listener(current.id);
    if (live) next.health = { ...live.health };
    if (!(await this.store.delivery.updateListener(next))) throw new NotFoundError('listener', idOrName);
    this.dispatcher.setListener(next);
    return next;
  }

  async deleteListener(id: string): Promise<void> {
    const current = await this.stored(id);
    const owned = this.ownedElsewhere(current);
    if (owned) throw owned;
    await this.store.delivery.deleteListener(id);
    this.dispatcher.removeListener(id);
  }

  /**
   * A workbook's `listeners:` section becomes the registry's truth for that workbook, stored with it: new ones
   * are created, changed ones updated (keeping id, secret and health), removed ones deleted. The egress policy
   * is checked here, once per upload.
   */
  async planWorkbookListeners(workbook: WorkbookRef, declared: NewListener[]): Promise<WorkbookListenerPlan> {
    const named = await this.store.delivery.listListeners({ origin: 'workbook', owner: workbook.name });
    // A workbook of the same name in another namespace owns its own listeners (none of them is touched here).
    const existing = named.filter((l) => ownerNamespace(l) === workbook.namespace);
    const now = this.now();
    const listeners: Listener[] = [];
    for (const input of declared) {
      await this.checkTransport(input);
      const old = existing.find((l) => l.name === input.name);
      if (!old) {
        listeners.push(this.newRecord(input, now));
        continue;
      }
      const { secret, ...rest } = input;
      listeners.push({ ...old, ...rest, secret: secret ?? old.secret, updatedAt: now });
    }
    const kept = new Set(listeners.map((l) => l.id));
    return { workbook, listeners, removed: existing.filter((l) => !kept.has(l.id)).map((l) => l.id) };
  }

  workbookListenersSaved(plan: WorkbookListenerPlan): void {
    for (const id of plan.removed) this.dispatcher.removeListener(id);
    for (const l of plan.listeners) this.dispatcher.setListener(l);
  }

  // ---- manual delivery

  async redeliver(eventId: number, listenerId?: string): Promise<Attempt[]> {
    const event = await this.store.getEvent(eventId);
    if (!event) throw new NotFoundError('event', String(eventId));
    const deliveries = (await this.store.delivery.listDeliveries({ eventIds: [eventId] })).filter(
      (d) => listenerId === undefined || d.listenerId === listenerId,
    );
    if (listenerId !== undefined && deliveries.length === 0) {
      throw new InvalidInputError(
        `event ${eventId} has no delivery for listener ${listenerId}`,
        'listener_id',
      );
    }
    const ids = await this.dispatcher.redeliver(deliveries);
    const attempts: Attempt[] = [];
    for (const id of ids) {
      const a = await this.store.delivery.getAttempt(id);
      if (a) attempts.push(a);
    }
    return attempts;
  }

  async recover(listenerId: string, since: number): Promise<number> {
    await this.stored(listenerId);
    return this.dispatcher.recoverSince(listenerId, since);
  }

  // ---- statuses

  updateStatus(id: string, update: StatusUpdate): Promise<StatusRecord> {
    return applyStatusUpdate(this.store.delivery, id, update, this.now());
  }
}
