/** PLACEHOLDER: /v2/cron-triggers routes. */
import { Router } from 'express';
import type { ApiContext } from '../context.js';

export function cronTriggersRoutes(_ctx: ApiContext): Router {
  return Router();
}
