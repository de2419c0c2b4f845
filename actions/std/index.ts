/**
 * The standard library (`std.*`), Mistral's set minus what needs outside services (`std.email`, `std.ssh`). The
 * two HTTP actions share one `HttpClient`, so they share its keep-alive connections.
 */

import type { ActionDefinition } from '../types.js';
import { asyncNoopAction } from './async-noop.js';
import { echoAction } from './echo.js';
import { failAction } from './fail.js';
import { HttpClient } from './http-client.js';
import type { HttpClientOptions } from './http-client.js';
import { createHttpAction } from './http.js';
import { createJavascriptActions } from './javascript.js';
import type { ScriptOptions } from './javascript.js';
import { createMistralHttpAction } from './mistral-http.js';
import { noopAction } from './noop.js';
import { sleepAction } from './sleep.js';
import { testDictAction } from './test-dict.js';

export interface StdActionOptions {
  /** Limits and defaults of `std.http` / `std.mistral_http`; see `DEFAULT_HTTP_OPTIONS`. */
  http?: Partial<HttpClientOptions>;
  /** Limits of `std.javascript`: timeout cap, memory cap, pool size; see `ScriptOptions`. */
  javascript?: Partial<ScriptOptions>;
}

export function createStdActions(options: StdActionOptions = {}): ActionDefinition[] {
  const client = new HttpClient(options.http);
  return [
    noopAction,
    asyncNoopAction,
    echoAction,
    failAction,
    sleepAction,
    testDictAction,
    createHttpAction(client),
    createMistralHttpAction(client),
    ...createJavascriptActions(options.javascript),
  ];
}

export { DEFAULT_HTTP_OPTIONS, HttpClient } from './http-client.js';
export type { HttpClientOptions, HttpResult } from './http-client.js';
export { DEFAULT_SCRIPT_TIMEOUT_SECONDS } from './javascript.js';
export type { ScriptOptions } from './javascript.js';
export { FAIL_ACTION_MESSAGE } from './fail.js';
