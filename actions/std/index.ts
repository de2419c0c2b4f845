/**
 * The standard library (`std.*`): Mistral's set (see `docs/actions.md`). The two HTTP actions share one
 * `HttpClient`, so they share its keep-alive connections; the SSH actions share one host-key policy.
 */

import type { ActionDefinition } from '../types.js';
import { asyncNoopAction } from './async-noop.js';
import { echoAction } from './echo.js';
import { DEFAULT_EMAIL_OPTIONS, createEmailAction } from './email.js';
import type { EmailOptions } from './email.js';
import type { EgressPolicy } from './egress-socket.js';
import { failAction } from './fail.js';
import { HttpClient } from './http-client.js';
import type { HttpClientOptions } from './http-client.js';
import { createHttpAction } from './http.js';
import { createJavascriptActions } from './javascript.js';
import type { ScriptOptions } from './javascript.js';
import { createMistralHttpAction } from './mistral-http.js';
import { noopAction } from './noop.js';
import { sleepAction } from './sleep.js';
import { DEFAULT_SSH_OPTIONS, createSshActions } from './ssh.js';
import type { SshOptions } from './ssh.js';
import { testDictAction } from './test-dict.js';

export interface StdActionOptions {
  /** Limits and defaults of `std.http` / `std.mistral_http`; see `DEFAULT_HTTP_OPTIONS`. */
  http?: Partial<HttpClientOptions>;
  /** Limits of `std.javascript`: timeout cap, memory cap, pool size; see `ScriptOptions`. */
  javascript?: Partial<ScriptOptions>;
  /**
   * Where `std.http`, `std.ssh` and `std.email` may connect (the server passes its policy).
   * @default {allowPrivate: true} (a library user who gives none may call any address)
   */
  egress?: EgressPolicy;
  /** Host keys, key directory and limits of the SSH actions; see `DEFAULT_SSH_OPTIONS`. */
  ssh?: Partial<SshOptions>;
  /** Limits of `std.email`; see `DEFAULT_EMAIL_OPTIONS`. */
  email?: Partial<EmailOptions>;
}

export function createStdActions(options: StdActionOptions = {}): ActionDefinition[] {
  // The actions that connect out follow the egress policy when one is given (the server always gives it); a
  // library user who gives none keeps the old behaviour of calling any address.
  const egress = options.egress ?? { allowPrivate: true };
  const client = new HttpClient({ allowPrivate: egress.allowPrivate, ...options.http });
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
    ...createSshActions({ ...DEFAULT_SSH_OPTIONS, ...options.ssh }, egress),
    createEmailAction({ ...DEFAULT_EMAIL_OPTIONS, ...options.email }, egress),
  ];
}

export { DEFAULT_HTTP_OPTIONS, HttpClient } from './http-client.js';
export type { HttpClientOptions, HttpResult } from './http-client.js';
export { DEFAULT_SCRIPT_TIMEOUT_SECONDS } from './javascript.js';
export type { ScriptOptions } from './javascript.js';
export { FAIL_ACTION_MESSAGE } from './fail.js';
export { DEFAULT_SSH_OPTIONS } from './ssh.js';
export type { SshOptions } from './ssh.js';
export { DEFAULT_EMAIL_OPTIONS } from './email.js';
export type { EmailOptions } from './email.js';
export type { EgressPolicy } from './egress-socket.js';
