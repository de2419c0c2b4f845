/** What every route module receives: the engine and the configuration (and, as they arrive, the services). */
import type { Config } from '../config/index.js';
import type { DeliveryApi } from '../delivery/types.js';
import type { Engine } from '../engine/index.js';
import type { DefinitionUploads } from '../uploads/index.js';
import type { CronService } from './cron/service.js';
import type { EventTriggerService } from './event-triggers/service.js';

export interface ApiContext {
  engine: Engine;
  config: Config;
  cron: CronService;
  /** Event triggers: the resource, and the AMQP consumers that start their workflows. */
  eventTriggers: EventTriggerService;
  /** Listeners, redelivery and statuses (reads of events, deliveries and attempts go to `engine.store`). */
  delivery: DeliveryApi;
  /** Workbook and workflows uploads: parse, check, save, register listeners. */
  uploads: DefinitionUploads;
}
