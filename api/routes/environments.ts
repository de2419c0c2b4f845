/** PLACEHOLDER: /v2/environments routes. */
import { Router } from 'express';
import type { ApiContext } from '../context.js';

export function environmentsRoutes(_ctx: ApiContext): Router {
  return Router();
}
