/** PLACEHOLDER: /v2/workflows routes. */
import { Router } from 'express';
import type { ApiContext } from '../context.js';

export function workflowsRoutes(_ctx: ApiContext): Router {
  return Router();
}
