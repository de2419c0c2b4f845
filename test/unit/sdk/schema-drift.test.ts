/**
 * The SDK's event schemas name the same event types and states as the server: the SDK cannot import the
 * server's modules, so this test is what keeps the two lists one (the bodies themselves are checked against
 * the schemas in test/integration/sdk.test.ts).
 */
import { expect } from 'chai';
import { TASK_STATES, WORKFLOW_STATES } from '../../../api/runtime/states.js';
import { EVENT_TYPES } from '../../../engine/index.js';
import * as schema from '../../../sdk/src/schema.js';

describe('sdk: schemas agree with the server', () => {
  it('has the same event types', () => {
    expect([...schema.EXECUTION_EVENT_TYPES, ...schema.TASK_EVENT_TYPES].sort()).to.deep.equal(
      [...EVENT_TYPES].sort(),
    );
  });

  it('has the same workflow and task states', () => {
    expect([...schema.WORKFLOW_STATES]).to.deep.equal([...WORKFLOW_STATES]);
    expect([...schema.TASK_STATES]).to.deep.equal([...TASK_STATES]);
  });
});
