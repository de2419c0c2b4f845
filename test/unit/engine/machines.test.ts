/** The lifecycle machines and Mistral's state table: pure transitions, no engine. */
import { expect } from 'chai';
import {
  executionStep,
  isValidTransition,
  isValidExecutionTransition,
  taskEventFor,
  taskStep,
  workflowEventFor,
} from '../../../engine/index.js';

describe('task machine', () => {
  it('enters RUNNING from NEW with an enter action and leaves NEW', () => {
    const s = taskStep('NEW', 'START');
    expect(s?.to).to.equal('RUNNING');
    expect(s?.actions).to.deep.equal([
      { type: 'leave', state: 'NEW' },
      { type: 'enter', state: 'RUNNING' },
    ]);
  });

  it('walks a retry: RUNNING -> ERROR -> DELAYED -> RUNNING', () => {
    expect(taskStep('RUNNING', 'FAIL')?.to).to.equal('ERROR');
    expect(taskStep('ERROR', 'DELAY')?.to).to.equal('DELAYED');
    expect(taskStep('DELAYED', 'RUN')?.to).to.equal('RUNNING');
  });

  it('refuses moves Mistral forbids', () => {
    expect(taskStep('SKIPPED', 'RUN')).to.equal(null);
    expect(taskStep('WAITING', 'SUCCEED')).to.equal(null);
    expect(taskStep('SUCCESS', 'RUN')).to.equal(null);
  });

  it('lets fail-on turn SUCCESS into ERROR and a join be re-armed', () => {
    expect(taskStep('SUCCESS', 'FAIL')?.to).to.equal('ERROR');
    expect(taskStep('SUCCESS', 'WAIT')?.to).to.equal('WAITING');
  });
});

describe('execution machine', () => {
  it('creates IDLE, launches, pauses, resumes and succeeds', () => {
    expect(executionStep('NEW', 'CREATE')?.to).to.equal('IDLE');
    expect(executionStep('IDLE', 'START')?.to).to.equal('RUNNING');
    expect(executionStep('RUNNING', 'PAUSE')?.to).to.equal('PAUSED');
    expect(executionStep('PAUSED', 'RESUME')?.to).to.equal('RUNNING');
    expect(executionStep('RUNNING', 'SUCCEED')?.to).to.equal('SUCCESS');
  });

  it('has no way out of SUCCESS, and re-runs ERROR', () => {
    for (const ev of ['START', 'PAUSE', 'RESUME', 'FAIL', 'CANCEL', 'RERUN'] as const) {
      expect(executionStep('SUCCESS', ev), ev).to.equal(null);
    }
    expect(executionStep('ERROR', 'RERUN')?.to).to.equal('RUNNING');
  });
});

describe('Mistral state table and events', () => {
  it('derives the possible changes from the machines (one table)', () => {
    expect(isValidTransition('IDLE', 'RUNNING')).to.equal(true);
    // An unsatisfiable join fails while WAITING.
    expect(isValidTransition('WAITING', 'ERROR')).to.equal(true);
    expect(isValidTransition('ERROR', 'SKIPPED')).to.equal(true);
    expect(isValidTransition('SKIPPED', 'RUNNING')).to.equal(false);
    expect(isValidTransition('SUCCESS', 'SUCCESS')).to.equal(true);
    expect(isValidTransition('SUCCESS', 'RUNNING')).to.equal(false);
    expect(isValidExecutionTransition('ERROR', 'RUNNING')).to.equal(true);
    expect(isValidExecutionTransition('SUCCESS', 'RUNNING')).to.equal(false);
  });

  it('derives task events from the state change', () => {
    expect(taskEventFor(null, 'RUNNING')).to.equal('TASK_LAUNCHED');
    expect(taskEventFor('DELAYED', 'RUNNING')).to.equal('TASK_LAUNCHED');
    expect(taskEventFor('WAITING', 'RUNNING')).to.equal('TASK_RESUMED');
    expect(taskEventFor('IDLE', 'RUNNING')).to.equal('TASK_RESUMED');
    expect(taskEventFor('ERROR', 'RUNNING')).to.equal('TASK_RERUN');
    expect(taskEventFor('RUNNING', 'DELAYED')).to.equal(null);
    expect(taskEventFor('ERROR', 'SKIPPED')).to.equal('TASK_SKIPPED');
  });

  it('derives workflow events from the state change', () => {
    expect(workflowEventFor('IDLE', 'RUNNING')).to.equal('WORKFLOW_LAUNCHED');
    expect(workflowEventFor('PAUSED', 'RUNNING')).to.equal('WORKFLOW_RESUMED');
    expect(workflowEventFor('ERROR', 'RUNNING')).to.equal('WORKFLOW_RERUN');
    expect(workflowEventFor(null, 'IDLE')).to.equal(null);
  });
});
