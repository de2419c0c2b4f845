/** PLACEHOLDER: /v2/workbooks routes. */
import { Router } from 'express';
import type { ApiContext } from '../context.js';

export function workbooksRoutes(_ctx: ApiContext): Router {
  return Router();
}
