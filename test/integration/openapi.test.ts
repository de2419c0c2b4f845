/**
 * The OpenAPI document and the routes agree both ways: every route the app serves under /v2 is documented,
 * and every documented operation is served.
 */
import { expect } from 'chai';
import type { Express } from 'express';
import { createApp, openApiDocument } from '../../api/index.js';
import type { DeliveryApi } from '../../delivery/index.js';
import type { ApiContext } from '../../api/index.js';
import { pino } from 'pino';
import { loadConfig } from '../../config/index.js';
import { CronService } from '../../api/cron/service.js';
import { EventTriggerService } from '../../api/event-triggers/service.js';
import { Engine } from '../../engine/index.js';
import { DefinitionUploads } from '../../uploads/index.js';
import { SqliteStore } from '../../store/index.js';

interface Layer {
  name: string;
  rawPath?: string;
  route?: { path: string; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
}

/** Express 5 optional groups (`/:id{/:ns}`) stand for both paths, with and without the group. */
function expand(p: string): string[] {
  const m = /\{([^{}]*)\}/.exec(p);
  if (!m) return [p];
  return [...expand(p.replace(m[0], m[1] ?? '')), ...expand(p.replace(m[0], ''))];
}

/** Walks Express 5's router stack: `METHOD /path` for every route, with `:param` written `{param}`. */
function routesOf(stack: Layer[], prefix = ''): string[] {
  const out: string[] = [];
  for (const l of stack) {
    if (l.route) {
      for (const m of Object.keys(l.route.methods)) {
        for (const path of expand(l.route.path)) {
          const p = `${prefix}${path === '/' && prefix ? '' : path}`;
          out.push(`${m.toUpperCase()} ${p.replace(/:(\w+)/g, '{$1}')}`);
        }
      }
    } else if (l.name === 'router' && l.handle.stack) {
      out.push(...routesOf(l.handle.stack, `${prefix}${l.rawPath ?? ''}`));
    }
  }
  return out;
}

function documented(): string[] {
  const doc = openApiDocument() as { paths: Record<string, Record<string, unknown>> };
  const out: string[] = [];
  for (const [p, item] of Object.entries(doc.paths)) {
    for (const m of Object.keys(item)) {
      if (['get', 'post', 'put', 'delete', 'patch'].includes(m)) out.push(`${m.toUpperCase()} /v2${p}`);
    }
  }
  return out;
}

/** Parameter names do not matter for matching: `{id}` and `{name}` are the same segment. */
const silentLogger = { error: () => undefined, warn: () => undefined };

const shape = (r: string) => r.replace(/\{[^}]+\}/g, '{}');

describe('OpenAPI document', () => {
  let engine: Engine;
  let served: string[] = [];

  before(async () => {
    engine = await Engine.start({ store: new SqliteStore({ path: ':memory:' }) });
    const ctx: ApiContext = {
      engine,
      config: loadConfig({ logLevel: 'silent' }),
      cron: new CronService(engine),
      // Route listing only: the service is never started (no broker connection).
      eventTriggers: new EventTriggerService(engine, { amqpUrl: 'amqp://127.0.0.1:1', logger: silentLogger }),
      // Route listing only: no handler runs, so the delivery service is never called.
      delivery: {} as DeliveryApi,
      uploads: new DefinitionUploads(engine, {} as DeliveryApi),
    };
    const app = createApp(ctx, pino({ level: 'silent' })) as Express & { router: { stack: Layer[] } };
    served = routesOf(app.router.stack).filter(
      (r) => r.includes(' /v2/') && !r.endsWith(' /v2/openapi.json'),
    );
  });

  after(async () => engine?.close());

  it('serves the document with the operations of every resource', () => {
    expect(documented().length).to.be.greaterThan(20);
  });

  it('documents every route the API serves', () => {
    const docs = new Set(documented().map(shape));
    expect(served.filter((r) => !docs.has(shape(r)))).to.deep.equal([]);
  });

  it('serves every documented operation', () => {
    const routes = new Set(served.map(shape));
    expect(documented().filter((r) => !routes.has(shape(r)))).to.deep.equal([]);
  });
});
