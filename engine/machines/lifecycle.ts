/**
 * Builds a lifecycle machine (task or execution) from a transition table, with XState v5's `setup()`.
 *
 * Every state has an entry action `enter` and an exit action `leave` carrying the state's name. The machines
 * run as pure logic: the engine calls XState's `transition()` and interprets the returned actions: `enter`
 * emits the EXECUTION / TASK event for the new state (into the outbox, in the same transaction as the state
 * change), `leave` records the previous state. Nothing here does I/O, so transitions are unit-testable, and the
 * persisted snapshot is only the state value.
 *
 * The machines have no inline actors: work (actions, timers, sub-workflows) is started by the engine after the
 * transaction that recorded the state commits, because XState restores neither `after` timers nor in-flight
 * promises from a persisted snapshot.
 */
import { setup, transition, type AnyStateMachine } from 'xstate';

export interface LifecycleAction {
  type: 'enter' | 'leave';
  state: string;
}

type Table = Record<string, Record<string, string>>;

export function lifecycleMachine(
  id: string,
  initial: string,
  table: Table,
  finals: string[],
): AnyStateMachine {
  const states: Record<string, object> = {};
  for (const [name, on] of Object.entries(table)) {
    states[name] = {
      entry: { type: 'enter', params: { state: name } },
      exit: { type: 'leave', params: { state: name } },
      on: Object.fromEntries(Object.entries(on).map(([ev, target]) => [ev, { target }])),
      ...(finals.includes(name) ? { type: 'final' } : {}),
    };
  }
  return setup({
    types: {},
    actions: {
      // Interpreted by the engine from the action list `transition()` returns; never executed in place.
      enter: () => undefined,
      leave: () => undefined,
    },
  }).createMachine({ id, initial, states } as never) as unknown as AnyStateMachine;
}

export interface Step {
  from: string;
  to: string;
  actions: LifecycleAction[];
}

const memo = new WeakMap<AnyStateMachine, Map<string, Step | null>>();

/**
 * Applies one event to a state. Returns null when the event is not allowed in that state (the caller decides
 * whether that is a bug or a refused request). The machines are context-free and pure, so the outcome depends
 * only on (state, event) and is memoised: XState computes each transition once per process.
 */
export function step(machine: AnyStateMachine, state: string, event: string): Step | null {
  let cache = memo.get(machine);
  if (!cache) memo.set(machine, (cache = new Map()));
  const key = `${state}:${event}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const result = computeStep(machine, state, event);
  cache.set(key, result);
  return result;
}

function computeStep(machine: AnyStateMachine, state: string, event: string): Step | null {
  const snap = machine.resolveState({ value: state, context: {} });
  if (!snap.can({ type: event })) return null;
  const [next, actions] = transition(machine, snap, { type: event });
  const to = String(next.value);
  return {
    from: state,
    to,
    actions: (actions as unknown as { type: string; params?: { state: string } }[])
      .filter((a) => a.type === 'enter' || a.type === 'leave')
      .map((a) => ({ type: a.type as 'enter' | 'leave', state: a.params?.state ?? '' })),
  };
}
