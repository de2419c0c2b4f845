/** PLACEHOLDER: /v2/action-executions routes. */
import { Router } from 'express';
import type { ApiContext } from '../context.js';

export function actionExecutionsRoutes(_ctx: ApiContext): Router {
  return Router();
}
