/**
 * Hooks (Tramontane extension): `on-enter` / `on-exit` on tasks and workflows. Each is an action call in the
 * inline syntax, optionally guarded:
 *
 *     on-exit: std.echo output="done"
 *     on-exit:
 *       - acme.log level="info"
 *       - acme.alert text="failed": <% $.error != null %>
 */
import type { HookSpec } from '../spec.js';
import type { Path } from '../source/paths.js';
import { isRecord } from '../source/paths.js';
import type { Anchor } from '../source/yaml-source.js';
import type { NormaliseContext } from './context.js';
import { readCall, setIfDefined } from './values.js';

export function readHooks(ctx: NormaliseContext, path: Path, raw: unknown): HookSpec[] {
  if (typeof raw === 'string') return [readHook(ctx, path, 'value', raw, undefined)];
  if (!Array.isArray(raw)) return [];
  const out: HookSpec[] = [];
  raw.forEach((item: unknown, i) => {
    if (typeof item === 'string') {
      out.push(readHook(ctx, [...path, i], 'value', item, undefined));
    } else if (isRecord(item) && Object.keys(item).length === 1) {
      const [call, guard] = Object.entries(item)[0]!;
      const guardText = typeof guard === 'string' ? guard : undefined;
      if (guardText !== undefined) ctx.expr([...path, i, call], guardText);
      out.push(readHook(ctx, [...path, i, call], 'key', call, guardText));
    }
  });
  return out;
}

function readHook(ctx: NormaliseContext, path: Path, anchor: Anchor, text: string, guard?: string): HookSpec {
  const call = readCall(ctx, path, text, anchor);
  const hook: HookSpec = { action: call.name, input: call.input, pos: ctx.pos(path, anchor) };
  setIfDefined(hook, 'guard', guard);
  ctx.origins.set(hook, path);
  return hook;
}
