/**
 * `std.http`: one HTTP request, Mistral's parameters and result (`{content, status, headers, encoding, url,
 * reason, cookies, elapsed}`). A status outside 200–306 fails the action with that same result as the error,
 * which is Mistral's rule (`resp.status_code not in range(200, 307)`), so `publish-on-error` can read
 * `task().result.status` and `task().result.content`. Network errors, timeouts and oversized bodies fail with a
 * message.
 *
 * `runHttp` is shared with `std.mistral_http`, which differs only in the headers it adds and in going
 * asynchronous once the request succeeded.
 */

import { defineAction } from '../define.js';
import type { ParamDecl } from '../define.js';
import type { ActionContext, ActionDefinition } from '../types.js';
import type { HttpClient, HttpResult } from './http-client.js';
import { planHttpRequest, setHeader } from './http-request.js';
import type { HttpInput } from './http-request.js';

/** The parameters of `std.http` and `std.mistral_http`, with Mistral's defaults (`null`: not sent / policy). */
export const HTTP_INPUT: ReadonlyArray<ParamDecl<keyof HttpInput>> = [
  'url',
  { name: 'method', default: 'GET' },
  { name: 'params', default: null },
  { name: 'body', default: null },
  { name: 'json', default: null },
  { name: 'headers', default: null },
  { name: 'cookies', default: null },
  { name: 'auth', default: null },
  { name: 'timeout', default: null },
  { name: 'allow_redirects', default: null },
  { name: 'proxies', default: null },
  { name: 'verify', default: null },
];

export type HttpOutcome = { ok: true; data: HttpResult } | { ok: false; error: unknown };

/** Mistral counts 200–306 as success: without redirect following, a 302 is a result, a 307 a failure. */
export function isSuccessStatus(status: number): boolean {
  return status >= 200 && status < 307;
}

export async function runHttp(
  client: HttpClient,
  input: HttpInput,
  ctx: ActionContext,
  extraHeaders: Record<string, string> = {},
): Promise<HttpOutcome> {
  const planned = planHttpRequest(input, client.options.defaultTimeoutSeconds);
  if (!planned.ok) return { ok: false, error: planned.error };
  const plan = planned.plan;
  for (const [name, value] of Object.entries(extraHeaders)) setHeader(plan.headers, name, value);
  const exchange = await client.send(plan, ctx.signal);
  if (exchange.kind === 'failed') return { ok: false, error: exchange.message };
  const result = exchange.result;
  return isSuccessStatus(result.status) ? { ok: true, data: result } : { ok: false, error: result };
}

export function createHttpAction(client: HttpClient): ActionDefinition {
  return defineAction<HttpInput>({
    name: 'std.http',
    description: 'Sends an HTTP request; the result is {content, status, headers, encoding, ...}.',
    input: HTTP_INPUT,
    run: (input, ctx) => runHttp(client, input, ctx),
    close: () => client.close(),
  });
}
