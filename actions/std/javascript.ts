/**
 * `std.javascript` (alias `std.js`): runs `script` as the body of a function whose `$` is `context`, Mistral's
 * semantics (`return $.a + 1`), and returns what it returns as JSON data.
 *
 * Each run gets a fresh `node:vm` context with nothing in it but the language built-ins: no `require`, no
 * `process`, no timers, and no `eval`/`new Function` (code generation from strings is disabled). Everything the
 * script can reach is created inside that context: `context` enters as a JSON string parsed there, and the result
 * leaves as a JSON string serialised there, so no host object (whose prototype chain leads back to the host's
 * `Function`) is ever exposed. The timeout covers the script, its promise callbacks and the serialisation (a
 * `toJSON` or getter cannot loop outside it).
 *
 * `node:vm` isolates names, not resources: a script can still exhaust memory. It is for workflow authors'
 * snippets, not for untrusted code.
 */

import { types } from 'node:util';
import vm from 'node:vm';
import { toError } from '../../common/errors.js';
import { defineAction } from '../define.js';
import type { ActionDefinition, ActionOutcome } from '../types.js';
import { toSeconds } from './delay.js';

/** @default 5 seconds */
export const DEFAULT_SCRIPT_TIMEOUT_SECONDS = 5;

/**
 * Runs inside the sandbox after the script was compiled. It keeps its own references to `JSON` so a script that
 * replaces the global cannot forge the envelope's shape, and it never lets an exception value out: the host only
 * ever receives a string.
 */
const RUNNER = new vm.Script(`(function () {
  'use strict';
  var stringify = JSON.stringify, parse = JSON.parse, body = __tram_body, input = __tram_context;
  function describe(e) {
    try {
      if (e !== null && typeof e === 'object' && typeof e.message === 'string') {
        return (typeof e.name === 'string' ? e.name + ': ' : '') + e.message;
      }
      return String(e);
    } catch (_) {
      return 'the script threw a value that cannot be described';
    }
  }
  try {
    var value = body(parse(input));
    var json = stringify(value === undefined ? null : value);
    return stringify({ ok: true, json: json === undefined ? 'null' : json });
  } catch (e) {
    try {
      return stringify({ ok: false, error: describe(e) });
    } catch (_) {
      return '{"ok":false,"error":"the script failed"}';
    }
  }
})()`);

type JsInput = { script: unknown; context: unknown; timeout: unknown };

function javascriptAction(name: string): ActionDefinition {
  return defineAction<JsInput>({
    name,
    description:
      'Runs `script` as a function body with `$` bound to `context`; the result is its return value.',
    input: [
      'script',
      { name: 'context', default: null },
      { name: 'timeout', default: DEFAULT_SCRIPT_TIMEOUT_SECONDS },
    ],
    run: ({ script, context, timeout }) => runScript(script, context, timeout),
  });
}

export const javascriptActions: ActionDefinition[] = [
  javascriptAction('std.javascript'),
  javascriptAction('std.js'),
];

export function runScript(script: unknown, context: unknown, timeout: unknown): ActionOutcome {
  if (typeof script !== 'string') return failure('script must be a string');
  const seconds = toSeconds(timeout) || DEFAULT_SCRIPT_TIMEOUT_SECONDS;
  let contextJson: string;
  try {
    contextJson = JSON.stringify(context ?? null);
  } catch (err) {
    return failure(`context is not JSON-serialisable: ${toError(err).message}`);
  }

  // A null-prototype sandbox: with a plain `{}` the global's prototype chain would reach the host's Object and,
  // through its constructor, the host's Function (the classic `this.constructor.constructor('return process')`).
  const sandbox = vm.createContext(Object.create(null) as object, {
    name: 'std.javascript',
    codeGeneration: { strings: false, wasm: false },
    // Promise callbacks the script queues run inside the timeout rather than later on the host's queue.
    microtaskMode: 'afterEvaluate',
  });
  let body: unknown;
  try {
    // compileFunction parses `script` strictly as a function body: a stray `}` cannot break out of the wrapper.
    body = vm.compileFunction(script, ['$'], { parsingContext: sandbox });
  } catch (err) {
    // No script code has run yet, so reading this (sandbox-realm) SyntaxError cannot call into the script.
    const e = err as Error;
    return failure(`${String(e.name)}: ${String(e.message)}`);
  }
  Object.assign(sandbox, { __tram_body: body, __tram_context: contextJson });
  try {
    return fromEnvelope(RUNNER.runInContext(sandbox, { timeout: Math.ceil(seconds * 1000) }));
  } catch (err) {
    // RUNNER catches the script's own exceptions, so what arrives here is the timeout, or a value the script
    // rigged to defeat the catch. Read only own data properties of a genuine error: no getter or proxy trap of
    // the script's may run outside the timeout.
    if (ownString(err, 'code') === 'ERR_SCRIPT_EXECUTION_TIMEOUT')
      return failure(`script timed out after ${seconds} s`);
    return failure(ownString(err, 'message') ?? 'the script failed');
  }
}

function ownString(value: unknown, key: string): string | undefined {
  if (!types.isNativeError(value)) return undefined;
  const found: unknown = Object.getOwnPropertyDescriptor(value, key)?.value;
  return typeof found === 'string' ? found : undefined;
}

function fromEnvelope(envelope: unknown): ActionOutcome {
  if (typeof envelope !== 'string') return failure('the script did not produce a result');
  const parsed = JSON.parse(envelope) as { ok?: unknown; json?: unknown; error?: unknown };
  if (parsed.ok === true && typeof parsed.json === 'string')
    return { ok: true, data: JSON.parse(parsed.json) };
  return failure(typeof parsed.error === 'string' ? parsed.error : 'the script failed');
}

/** Mistral's message prefix, so error handlers written against Mistral keep matching. */
function failure(message: string): ActionOutcome {
  return { ok: false, error: `JavaScriptAction failed: ${message}` };
}
