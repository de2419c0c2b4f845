/**
 * The code a `std.javascript` worker thread runs, as plain JavaScript source (the worker is started with
 * `eval: true`, so it needs no loader and runs the same from `dist/` and under tsx).
 *
 * A worker receives `{id, script, context, timeoutMs}` messages one at a time and answers each with
 * `{id, ok: true, json}`, `{id, ok: false, error}` or `{id, timedOut: true}`. Each script gets a fresh `node:vm`
 * context with nothing in it but the language built-ins: no `require`, no `process`, no timers, no network, no
 * `eval`/`new Function` (code generation from strings is off) and no `import()` (refused by the callback).
 * `context` enters as a JSON string parsed inside, and the result leaves as a JSON string serialised inside, so
 * no host object (whose prototype chain leads back to the worker's `Function`) is ever exposed. The vm timeout
 * covers the script, its promise callbacks and the serialisation (a `toJSON` or getter cannot loop outside it).
 *
 * The thread itself is the resource boundary: its heap is capped by `resourceLimits`, and the host terminates
 * it if a script outlives its deadline anyway; the server's event loop never runs script code.
 */

export const SCRIPT_WORKER_SOURCE = String.raw`
'use strict';
const { parentPort } = require('node:worker_threads');
const vm = require('node:vm');
const { types } = require('node:util');

// Scripts run at the lowest CPU priority: on Linux a nice value is per thread, so this lowers only this
// thread, and a spinning script yields the cores to the server's own thread whenever both want them.
try {
  require('node:os').setPriority(0, 19);
} catch (_) {
  // Not permitted or not supported: the thread still runs, at normal priority.
}

// A script's rejected promise (an import() it did not await, say) must not end the thread.
process.on('unhandledRejection', () => undefined);

// Runs inside the sandbox after the script was compiled. It keeps its own references to JSON so a script that
// replaces the global cannot forge the envelope, and never lets an exception value out: the host only ever
// receives a string.
const RUNNER = new vm.Script(
  "(function () {" +
  "  'use strict';" +
  "  var stringify = JSON.stringify, parse = JSON.parse, body = __tram_body, input = __tram_context;" +
  "  function describe(e) {" +
  "    try {" +
  "      if (e !== null && typeof e === 'object' && typeof e.message === 'string')" +
  "        return (typeof e.name === 'string' ? e.name + ': ' : '') + e.message;" +
  "      return String(e);" +
  "    } catch (_) { return 'the script threw a value that cannot be described'; }" +
  "  }" +
  "  try {" +
  "    var value = body(parse(input));" +
  "    var json = stringify(value === undefined ? null : value);" +
  "    return stringify({ ok: true, json: json === undefined ? 'null' : json });" +
  "  } catch (e) {" +
  "    try { return stringify({ ok: false, error: describe(e) }); }" +
  "    catch (_) { return '{\"ok\":false,\"error\":\"the script failed\"}'; }" +
  "  }" +
  "})()",
);

function refuseImport() {
  throw new Error('import() is not allowed in std.javascript');
}

function ownString(value, key) {
  if (!types.isNativeError(value)) return undefined;
  const found = Object.getOwnPropertyDescriptor(value, key);
  return found && typeof found.value === 'string' ? found.value : undefined;
}

function run(script, context, timeoutMs) {
  // A null-prototype sandbox: with a plain {} the global's prototype chain would reach the thread's Object and,
  // through its constructor, its Function (the classic this.constructor.constructor('return process')).
  const sandbox = vm.createContext(Object.create(null), {
    name: 'std.javascript',
    codeGeneration: { strings: false, wasm: false },
    microtaskMode: 'afterEvaluate',
  });
  let body;
  try {
    // compileFunction parses the script strictly as a function body: a stray } cannot break out of it.
    body = vm.compileFunction(script, ['$'], { parsingContext: sandbox, importModuleDynamically: refuseImport });
  } catch (err) {
    return { ok: false, error: String(err && err.name) + ': ' + String(err && err.message) };
  }
  Object.assign(sandbox, { __tram_body: body, __tram_context: context });
  let envelope;
  try {
    envelope = RUNNER.runInContext(sandbox, { timeout: timeoutMs });
  } catch (err) {
    // RUNNER catches the script's own exceptions, so this is the timeout or a value rigged to defeat the catch:
    // only own data properties of a genuine error are read, so no getter or trap of the script's runs here.
    if (ownString(err, 'code') === 'ERR_SCRIPT_EXECUTION_TIMEOUT') return { timedOut: true };
    return { ok: false, error: ownString(err, 'message') || 'the script failed' };
  }
  if (typeof envelope !== 'string') return { ok: false, error: 'the script did not produce a result' };
  const parsed = JSON.parse(envelope);
  if (parsed.ok === true && typeof parsed.json === 'string') return { ok: true, json: parsed.json };
  return { ok: false, error: typeof parsed.error === 'string' ? parsed.error : 'the script failed' };
}

parentPort.on('message', (job) => {
  let reply;
  try {
    reply = run(job.script, job.context, job.timeoutMs);
  } catch (err) {
    reply = { ok: false, error: 'the script failed' };
  }
  parentPort.postMessage(Object.assign({ id: job.id }, reply));
});
`;
