/** Which listener wants which event: scope, event selectors and the YAQL filter. */
import { expect } from 'chai';
import { ExpressionError } from '../../../dsl/expressions/index.js';
import {
  eventView,
  filterExpression,
  inScope,
  listenerWants,
  passesFilter,
  selects,
} from '../../../delivery/match.js';
import { executionEvent, makeListener, taskEvent, T0 } from './helpers.js';

/** A task event of a sub-workflow execution `sub-1` whose root is `ex-1`. */
const subTaskEvent = taskEvent({
  executionId: 'sub-1',
  rootExecutionId: 'ex-1',
  payload: { ...taskEvent().payload, workflow_execution_id: 'sub-1', workflow_name: 'wb.child' },
});

describe('listener matching', () => {
  describe('inScope', () => {
    it('an empty scope covers every event', () => {
      const l = makeListener({ scope: {} });
      expect(inScope(l, taskEvent())).to.equal(true);
      expect(inScope(l, executionEvent())).to.equal(true);
      expect(inScope(l, subTaskEvent)).to.equal(true);
    });

    it('executionId matches the event execution, and the root for sub-workflow events', () => {
      expect(inScope(makeListener({ scope: { executionId: 'ex-1' } }), taskEvent())).to.equal(true);
      expect(inScope(makeListener({ scope: { executionId: 'ex-1' } }), executionEvent())).to.equal(true);
      // sub-1's root is ex-1: a listener on the top-level execution hears its sub-workflows.
      expect(inScope(makeListener({ scope: { executionId: 'ex-1' } }), subTaskEvent)).to.equal(true);
      // A listener on the sub-workflow itself hears it too.
      expect(inScope(makeListener({ scope: { executionId: 'sub-1' } }), subTaskEvent)).to.equal(true);
      // But not its parent's events.
      expect(inScope(makeListener({ scope: { executionId: 'sub-1' } }), taskEvent())).to.equal(false);
      expect(inScope(makeListener({ scope: { executionId: 'ex-2' } }), taskEvent())).to.equal(false);
    });

    it('workflow matches the qualified workflow name exactly', () => {
      expect(inScope(makeListener({ scope: { workflow: 'wb.wf' } }), taskEvent())).to.equal(true);
      expect(inScope(makeListener({ scope: { workflow: 'wb.wf' } }), executionEvent())).to.equal(true);
      expect(inScope(makeListener({ scope: { workflow: 'wb.wf2' } }), taskEvent())).to.equal(false);
      expect(inScope(makeListener({ scope: { workflow: 'wb' } }), taskEvent())).to.equal(false);
      expect(inScope(makeListener({ scope: { workflow: 'wb.wf' } }), subTaskEvent)).to.equal(false);
    });

    it('workbook matches the `wb.` prefix of the workflow name, not a longer workbook name', () => {
      const wb = makeListener({ scope: { workbook: 'wb' } });
      expect(inScope(wb, taskEvent())).to.equal(true);
      expect(inScope(wb, executionEvent())).to.equal(true);
      const wbx = (name: string) => taskEvent({ payload: { ...taskEvent().payload, workflow_name: name } });
      expect(inScope(wb, wbx('wbx.wf'))).to.equal(false);
      expect(inScope(wb, wbx('wb'))).to.equal(false);
      expect(inScope(wb, wbx('other.wb.wf'))).to.equal(false);
      expect(inScope(makeListener({ scope: { workbook: 'wbx' } }), taskEvent())).to.equal(false);
    });

    it('an event without a workflow name matches no workflow or workbook scope', () => {
      const { workflow_name: _w, ...payload } = taskEvent().payload;
      const ev = taskEvent({ payload });
      expect(inScope(makeListener({ scope: { workflow: 'wb.wf' } }), ev)).to.equal(false);
      expect(inScope(makeListener({ scope: { workbook: 'wb' } }), ev)).to.equal(false);
    });

    it('taskName matches task events of that task and never execution events', () => {
      expect(inScope(makeListener({ scope: { taskName: 'fetch' } }), taskEvent())).to.equal(true);
      expect(inScope(makeListener({ scope: { taskName: 'other' } }), taskEvent())).to.equal(false);
      // The execution event's payload.name is the workflow name: even a task scope naming it must not match.
      expect(inScope(makeListener({ scope: { taskName: 'wb.wf' } }), executionEvent())).to.equal(false);
      expect(inScope(makeListener({ scope: { taskName: 'fetch' } }), executionEvent())).to.equal(false);
    });

    it('every given field must match', () => {
      const all = { workbook: 'wb', workflow: 'wb.wf', executionId: 'ex-1', taskName: 'fetch' };
      expect(inScope(makeListener({ scope: all }), taskEvent())).to.equal(true);
      expect(inScope(makeListener({ scope: { ...all, executionId: 'ex-9' } }), taskEvent())).to.equal(false);
      expect(inScope(makeListener({ scope: { ...all, workflow: 'wb.other' } }), taskEvent())).to.equal(false);
      expect(inScope(makeListener({ scope: { ...all, taskName: 'x' } }), taskEvent())).to.equal(false);
      expect(inScope(makeListener({ scope: { ...all, workbook: 'zz' } }), taskEvent())).to.equal(false);
    });
  });

  describe('selects', () => {
    it('an empty list selects every event', () => {
      const l = makeListener({ events: [] });
      expect(selects(l, taskEvent())).to.equal(true);
      expect(selects(l, executionEvent())).to.equal(true);
    });

    it('categories select every event of their entity', () => {
      expect(selects(makeListener({ events: ['TASK'] }), taskEvent())).to.equal(true);
      expect(selects(makeListener({ events: ['TASK'] }), executionEvent())).to.equal(false);
      expect(selects(makeListener({ events: ['EXECUTION'] }), executionEvent())).to.equal(true);
      expect(selects(makeListener({ events: ['EXECUTION'] }), taskEvent())).to.equal(false);
      expect(
        selects(makeListener({ events: ['EXECUTION'] }), executionEvent({ eventType: 'WORKFLOW_LAUNCHED' })),
      ).to.equal(true);
    });

    it('exact types select only that type', () => {
      const l = makeListener({ events: ['TASK_FAILED', 'WORKFLOW_FAILED'] });
      expect(selects(l, taskEvent())).to.equal(true);
      expect(selects(l, taskEvent({ eventType: 'TASK_SUCCEEDED' }))).to.equal(false);
      expect(selects(l, executionEvent())).to.equal(false);
      expect(selects(l, executionEvent({ eventType: 'WORKFLOW_FAILED' }))).to.equal(true);
    });

    it('mixes categories and types', () => {
      const l = makeListener({ events: ['EXECUTION', 'TASK_FAILED'] });
      expect(selects(l, executionEvent())).to.equal(true);
      expect(selects(l, taskEvent())).to.equal(true);
      expect(selects(l, taskEvent({ eventType: 'TASK_LAUNCHED' }))).to.equal(false);
    });
  });

  describe('filter', () => {
    it('no filter, or a blank one, lets everything through', () => {
      expect(passesFilter(makeListener({ filter: null }), taskEvent())).to.equal(true);
      expect(passesFilter(makeListener({ filter: '  ' }), taskEvent())).to.equal(true);
    });

    it('takes a YAQL expression with or without its <% %> delimiters', () => {
      expect(filterExpression("$.state = 'ERROR'")).to.equal("<% $.state = 'ERROR' %>");
      expect(filterExpression("<% $.state = 'ERROR' %>")).to.equal("<% $.state = 'ERROR' %>");
      for (const filter of ["$.state = 'ERROR'", "<% $.state = 'ERROR' %>"]) {
        expect(passesFilter(makeListener({ filter }), taskEvent()), filter).to.equal(true);
        expect(passesFilter(makeListener({ filter }), executionEvent()), filter).to.equal(false);
      }
    });

    it('sees $.state, $.payload.name and $.event', () => {
      const ev = taskEvent();
      expect(passesFilter(makeListener({ filter: "$.payload.name = 'fetch'" }), ev)).to.equal(true);
      expect(passesFilter(makeListener({ filter: "$.payload.name = 'other'" }), ev)).to.equal(false);
      expect(passesFilter(makeListener({ filter: "$.event = 'TASK_FAILED'" }), ev)).to.equal(true);
      expect(passesFilter(makeListener({ filter: "$.event = 'TASK_SUCCEEDED'" }), ev)).to.equal(false);
      expect(
        passesFilter(makeListener({ filter: "$.state = 'ERROR' and $.previous_state = 'RUNNING'" }), ev),
      ).to.equal(true);
      expect(passesFilter(makeListener({ filter: "$.task_name = 'fetch'" }), ev)).to.equal(true);
    });

    it('a falsy result skips the event', () => {
      expect(passesFilter(makeListener({ filter: 'null' }), taskEvent())).to.equal(false);
      expect(passesFilter(makeListener({ filter: '0' }), taskEvent())).to.equal(false);
      expect(passesFilter(makeListener({ filter: "''" }), taskEvent())).to.equal(false);
    });

    it('a filter that fails to evaluate throws (the fan-out catches it and skips the event for that listener)', () => {
      // FanOutStep.wants wraps listenerWants in try/catch and reports through onFilterError: the listener
      // misses the event, the other listeners still get it (see the dispatcher tests).
      const l = makeListener({ filter: 'int($.event) > 0' });
      expect(() => passesFilter(l, taskEvent())).to.throw(ExpressionError);
      expect(() => listenerWants(l, taskEvent())).to.throw(ExpressionError);
    });
  });

  describe('listenerWants', () => {
    it('needs the selectors, the scope and the filter to agree', () => {
      const l = makeListener({
        events: ['TASK'],
        scope: { workbook: 'wb' },
        filter: "$.state = 'ERROR'",
      });
      expect(listenerWants(l, taskEvent())).to.equal(true);
      expect(listenerWants(l, executionEvent())).to.equal(false);
      expect(listenerWants(l, taskEvent({ state: 'SUCCESS', eventType: 'TASK_SUCCEEDED' }))).to.equal(false);
      expect(
        listenerWants(l, taskEvent({ payload: { ...taskEvent().payload, workflow_name: 'other.wf' } })),
      ).to.equal(false);
    });

    it('a disabled listener never wants anything (nor evaluates its filter)', () => {
      expect(listenerWants(makeListener({ enabled: false }), taskEvent())).to.equal(false);
      expect(listenerWants(makeListener({ enabled: false }), executionEvent())).to.equal(false);
      expect(listenerWants(makeListener({ enabled: false, filter: 'int($.event)' }), taskEvent())).to.equal(
        false,
      );
    });
  });

  describe('eventView', () => {
    it('is what filters and templates see as $', () => {
      expect(eventView(taskEvent())).to.deep.equal({
        event_id: 7,
        event: 'TASK_FAILED',
        entity: 'task',
        entity_id: 'task-1',
        execution_id: 'ex-1',
        root_execution_id: 'ex-1',
        sequence: 3,
        state: 'ERROR',
        previous_state: 'RUNNING',
        workflow_name: 'wb.wf',
        task_name: 'fetch',
        created_at: new Date(T0).toISOString(),
        payload: taskEvent().payload,
      });
      // An execution's payload.name is its workflow: task_name is null.
      expect(eventView(executionEvent()).task_name).to.equal(null);
    });
  });
});
