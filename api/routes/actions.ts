/** PLACEHOLDER: /v2/actions routes. */
import { Router } from 'express';
import type { ApiContext } from '../context.js';

export function actionsRoutes(_ctx: ApiContext): Router {
  return Router();
}
