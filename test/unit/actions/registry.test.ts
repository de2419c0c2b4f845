import { expect } from 'chai';
import { InvalidInputError } from '../../../common/errors.js';
import {
  ActionNotFoundError,
  ActionRegistry,
  DuplicateActionError,
  createDefaultRegistry,
  defineAction,
  runAction,
} from '../../../actions/index.js';
import type { ActionDefinition } from '../../../actions/index.js';
import { expectFailure, expectOk, makeCtx } from './helpers.js';

const greet = defineAction<{ name: string; greeting: string; tags: string[] }>({
  name: 'acme.greet',
  description: 'Greets someone.',
  input: ['name', { name: 'greeting', default: 'Hello' }, { name: 'tags', default: [] }],
  run: ({ name, greeting }) => ({ ok: true, data: `${greeting}, ${name}!` }),
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error');
}

describe('ActionRegistry', () => {
  let registry: ActionRegistry;
  beforeEach(() => {
    registry = new ActionRegistry().register(greet);
  });

  it('finds registered actions by name and lists them sorted', () => {
    const other: ActionDefinition = { name: 'acme.a', input: [], run: () => ({ ok: true, data: 1 }) };
    registry.register(other);
    expect(registry.has('acme.greet')).to.equal(true);
    expect(registry.get('acme.greet')).to.equal(greet);
    expect(registry.get('acme.nope')).to.equal(undefined);
    expect(registry.list().map((d) => d.name)).to.deep.equal(['acme.a', 'acme.greet']);
  });

  it('refuses a duplicate name unless replace is asked for', () => {
    const again = defineAction({ name: 'acme.greet', input: [], run: () => ({ ok: true, data: 2 }) });
    const err = catchError(() => registry.register(again));
    expect(err).to.be.instanceOf(DuplicateActionError);
    expect((err as DuplicateActionError).code).to.equal('CONFLICT');
    registry.register(again, { replace: true });
    expect(registry.get('acme.greet')).to.equal(again);
  });

  it('applies declared defaults and keeps given values', () => {
    expect(registry.prepareInput('acme.greet', { name: 'Ada' })).to.deep.equal({
      name: 'Ada',
      greeting: 'Hello',
      tags: [],
    });
    expect(registry.prepareInput('acme.greet', { name: 'Ada', greeting: null })).to.deep.equal({
      name: 'Ada',
      greeting: null,
      tags: [],
    });
  });

  it('treats an undefined value as absent, so the default applies', () => {
    expect(registry.prepareInput('acme.greet', { name: 'Ada', greeting: undefined }).greeting).to.equal(
      'Hello',
    );
  });

  it('gives each run its own copy of a mutable default', () => {
    const first = registry.prepareInput('acme.greet', { name: 'a' });
    (first.tags as string[]).push('x');
    expect(registry.prepareInput('acme.greet', { name: 'b' }).tags).to.deep.equal([]);
  });

  it('rejects unknown parameters, naming them and the action', () => {
    const err = catchError(() => registry.prepareInput('acme.greet', { name: 'Ada', foo: 1, bar: 2 }));
    expect(err).to.be.instanceOf(InvalidInputError);
    expect((err as InvalidInputError).code).to.equal('INVALID_INPUT');
    expect((err as InvalidInputError).field).to.equal('foo');
    expect((err as Error).message).to.equal(
      'Invalid input for action acme.greet: unexpected parameter(s) foo, bar (accepted: name, greeting?, tags?)',
    );
  });

  it('rejects missing required parameters', () => {
    const err = catchError(() => registry.prepareInput('acme.greet', {}));
    expect(err).to.be.instanceOf(InvalidInputError);
    expect((err as InvalidInputError).field).to.equal('name');
    expect((err as Error).message).to.contain('missing required parameter(s) name');
  });

  it('reports unknown and missing parameters together', () => {
    const err = catchError(() => registry.prepareInput('acme.greet', { nam: 'typo' }));
    expect((err as Error).message).to.contain(
      'unexpected parameter(s) nam; missing required parameter(s) name',
    );
  });

  it('accepts a null or absent input for an action without required parameters', async () => {
    const reg = createDefaultRegistry();
    expect(reg.prepareInput('std.noop', null)).to.deep.equal({});
    expect(reg.prepareInput('std.echo', undefined)).to.deep.equal({ output: null, delay: 0 });
    await reg.close();
  });

  it('throws ActionNotFoundError for an unknown action', () => {
    const err = catchError(() => registry.prepareInput('acme.missing', {}));
    expect(err).to.be.instanceOf(ActionNotFoundError);
    expect((err as ActionNotFoundError).code).to.equal('ACTION_NOT_FOUND');
    expect(() => registry.require('acme.missing')).to.throw(ActionNotFoundError);
  });

  it('closes every action once on close(), and tolerates a failing one', async () => {
    let closed = 0;
    registry.register({
      name: 'x.a',
      input: [],
      run: () => ({ ok: true, data: null }),
      close: () => void closed++,
    });
    registry.register({
      name: 'x.b',
      input: [],
      run: () => ({ ok: true, data: null }),
      close: () => Promise.reject(new Error('boom')),
    });
    await registry.close();
    expect(closed).to.equal(1);
  });
});

describe('defineAction', () => {
  it('turns the short parameter declarations into InputParams', () => {
    expect(greet.input).to.deep.equal([
      { name: 'name', hasDefault: false },
      { name: 'greeting', hasDefault: true, default: 'Hello' },
      { name: 'tags', hasDefault: true, default: [] },
    ]);
    expect(greet.description).to.equal('Greets someone.');
  });

  it('treats an explicit undefined default as optional', () => {
    const def = defineAction<{ a: unknown }>({
      name: 'x.y',
      input: [{ name: 'a', default: undefined }],
      run: () => ({ ok: true, data: 1 }),
    });
    expect(def.input[0]).to.deep.equal({ name: 'a', hasDefault: true, default: undefined });
  });

  it('runs with the typed input the registry prepared', () => {
    const registry = new ActionRegistry().register(greet);
    const input = registry.prepareInput('acme.greet', { name: 'Ada' });
    expect(expectOk(runAction(greet, input, makeCtx()) as never)).to.equal('Hello, Ada!');
  });
});

describe('runAction', () => {
  it('returns a synchronous outcome synchronously', () => {
    const out = runAction(greet, { name: 'x', greeting: 'Hi', tags: [] }, makeCtx());
    expect(out).to.not.be.instanceOf(Promise);
  });

  it('turns a synchronous throw into a failure outcome', () => {
    const def: ActionDefinition = {
      name: 'x.throws',
      input: [],
      run: () => {
        throw new Error('kaput');
      },
    };
    expect(expectFailure(runAction(def, {}, makeCtx()) as never)).to.equal('kaput');
  });

  it('turns a rejection into a failure outcome', async () => {
    const def: ActionDefinition = {
      name: 'x.rejects',
      input: [],
      run: () => Promise.reject(new Error('later')),
    };
    expect(expectFailure(await runAction(def, {}, makeCtx()))).to.equal('later');
  });
});

describe('the custom action example in docs/actions.md', () => {
  it('registers beside the std actions and gets its input checked', async () => {
    const createTicket = defineAction<{ title: string; priority: number }>({
      name: 'acme.create_ticket',
      description: 'Opens a ticket in the tracker.',
      input: ['title', { name: 'priority', default: 3 }],
      async run({ title, priority }, ctx) {
        const res = await fetch('https://tracker.example/api/tickets', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ title, priority, execution: ctx.workflowExecutionId }),
          signal: ctx.signal,
        });
        if (!res.ok) return { ok: false, error: `tracker answered ${res.status}` };
        return { ok: true, data: await res.json() };
      },
    });
    const registry = createDefaultRegistry().register(createTicket);
    expect(registry.prepareInput('acme.create_ticket', { title: 'Disk full' })).to.deep.equal({
      title: 'Disk full',
      priority: 3,
    });
    await registry.close();
  });
});

describe('createDefaultRegistry', () => {
  it('holds every standard action', async () => {
    const registry = createDefaultRegistry();
    expect(registry.list().map((d) => d.name)).to.deep.equal([
      'std.async_noop',
      'std.echo',
      'std.email',
      'std.fail',
      'std.http',
      'std.javascript',
      'std.js',
      'std.mistral_http',
      'std.noop',
      'std.sleep',
      'std.ssh',
      'std.ssh_proxied',
      'std.test_dict',
      'std.wait_ssh',
    ]);
    await registry.close();
  });
});
