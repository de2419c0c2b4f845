/**
 * The delivery area's types: the records (listeners, deliveries, attempts, statuses) re-exported from `model/`,
 * and what the API asks of the area (`DeliveryApi`).
 */
import type { Attempt, Listener, StatusConclusion, StatusRecord } from '../model/index.js';

export type * from '../model/delivery.js';

/** What a caller gives to create a listener; the registry fills in the id, the secret (unless given), health
 * and times. */
export type NewListener = Omit<
  Listener,
  'id' | 'secret' | 'health' | 'createdAt' | 'updatedAt' | 'disabledReason'
> & { secret?: string };

/** The fields a user may change (`PUT /v2/listeners/{id}`); the rest stays. */
export type ListenerPatch = Partial<
  Pick<
    Listener,
    | 'name'
    | 'scope'
    | 'events'
    | 'filter'
    | 'transport'
    | 'format'
    | 'payload'
    | 'retry'
    | 'status'
    | 'enabled'
  >
>;

/** A status update from a receiver (`PUT /v2/statuses/{id}` or the GraphQL `updateStatus` mutation). */
export interface StatusUpdate {
  status: 'in_progress' | 'completed';
  conclusion?: StatusConclusion;
  output?: { title?: string; summary?: string };
}

/** A workbook as it owns listeners: its identity is its name and its namespace ('' for the default one). */
export interface WorkbookRef {
  name: string;
  namespace: string;
}

/** A workbook's listeners as they are to be stored with it (see `DeliveryApi.planWorkbookListeners`). */
export interface WorkbookListenerPlan {
  workbook: WorkbookRef;
  /** Every listener the workbook declares, as a full record. */
  listeners: Listener[];
  /** The ids of the stored listeners of the workbook that it no longer declares. */
  removed: string[];
}

/** A listener as shown by the API: the record (without its secret) and its backlog. */
export interface ListenerView extends Omit<Listener, 'secret'> {
  backlog: number;
}

/**
 * What the API and the CLI ask of the delivery area (implemented by `DeliveryService`). Reads of deliveries,
 * attempts and events go straight to `store.delivery`.
 */
export interface DeliveryApi {
  /** Validates (egress policy included) and stores; the result carries the secret, the only time it is shown. */
  createListener(input: NewListener): Promise<Listener>;
  /** `ConflictError` for a listener owned by a workbook or an execution's notify. */
  updateListener(id: string, patch: ListenerPatch): Promise<ListenerView>;
  getListener(id: string): Promise<ListenerView>;
  listListeners(filter?: { afterId?: string; limit?: number }): Promise<ListenerView[]>;
  deleteListener(id: string): Promise<void>;
  /** The listener (by id or name) with its signing secret, for `GET /v2/listeners/{id}/secret`. */
  listenerSecret(idOrName: string): Promise<Listener>;
  /** Gives the listener (by id or name) a new signing secret and returns it with the secret. */
  rotateListenerSecret(idOrName: string): Promise<Listener>;
  /** One immediate attempt per listener that has a delivery of the event (or only `listenerId`'s), logged as
   * `manual`. Resolves with the attempts made. */
  redeliver(eventId: number, listenerId?: string): Promise<Attempt[]>;
  /** Puts every delivery of the listener that was given up since `since` back in the queue; resolves with how
   * many. */
  recover(listenerId: string, since: number): Promise<number>;
  /**
   * The records a workbook's `listeners:` section (already read, named `<workbook>.<name>`) stands for, to be
   * stored with the workbook in one transaction: each checked against the egress policy, a listener the
   * workbook had already keeping its id, health and (unless the workbook sets one) secret.
   */
  planWorkbookListeners(workbook: WorkbookRef, declared: NewListener[]): Promise<WorkbookListenerPlan>;
  /** The dispatcher follows a plan once the store committed it (an empty one: the workbook was deleted). */
  workbookListenersSaved(plan: WorkbookListenerPlan): void;
  /** Checks a listener's transport against the egress policy (`InvalidInputError` naming `transport.url`). */
  checkTransport(l: Pick<Listener, 'transport'>): Promise<void>;
  /** `NotFoundError`, `ConflictError` (already completed) or `InvalidInputError`. */
  updateStatus(id: string, update: StatusUpdate): Promise<StatusRecord>;
}
