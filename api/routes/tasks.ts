/** PLACEHOLDER: /v2/tasks routes. */
import { Router } from 'express';
import type { ApiContext } from '../context.js';

export function tasksRoutes(_ctx: ApiContext): Router {
  return Router();
}
