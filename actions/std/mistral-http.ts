/**
 * `std.mistral_http`: `std.http` for services that answer later. It sends the request with headers telling the
 * service who is calling and where to report (`Mistral-Callback-URL`), then stays RUNNING: the service completes
 * the action with `PUT {callback URL}` and `{state, output}`. A request that fails (network error, status outside
 * 200–306) fails the action at once, as in Mistral.
 */

import { defineAction } from '../define.js';
import type { ActionContext, ActionDefinition, ActionOutcome } from '../types.js';
import type { HttpClient } from './http-client.js';
import type { HttpInput } from './http-request.js';
import { HTTP_INPUT, runHttp } from './http.js';

/** The headers Mistral adds; they win over same-named task headers. Absent context values are not sent. */
export function mistralHeaders(ctx: ActionContext): Record<string, string> {
  const headers: Record<string, string> = {
    'Mistral-Workflow-Name': ctx.workflowName,
    'Mistral-Workflow-Execution-Id': ctx.workflowExecutionId,
    'Mistral-Task-Id': ctx.taskExecutionId,
    'Mistral-Action-Execution-Id': ctx.actionExecutionId,
  };
  if (ctx.callbackUrl !== undefined) headers['Mistral-Callback-URL'] = ctx.callbackUrl;
  return headers;
}

export function createMistralHttpAction(client: HttpClient): ActionDefinition {
  return defineAction<HttpInput>({
    name: 'std.mistral_http',
    description: 'Sends an HTTP request carrying the callback URL; completed later through the API.',
    input: HTTP_INPUT,
    async run(input, ctx): Promise<ActionOutcome> {
      const outcome = await runHttp(client, input, ctx, mistralHeaders(ctx));
      return outcome.ok ? { async: true } : outcome;
    },
    close: () => client.close(),
  });
}
