import fs from 'node:fs';
import { expect } from 'chai';
import { Ajv } from 'ajv';
import { WORKFLOW_LANGUAGE_SCHEMA_URL } from '../../../dsl/index.js';

interface Definition {
  properties?: Record<string, unknown>;
}

describe('DSL: the shipped JSON Schema', () => {
  const schema = JSON.parse(fs.readFileSync(WORKFLOW_LANGUAGE_SCHEMA_URL, 'utf8')) as {
    $schema: string;
    definitions: Record<string, Definition>;
  };
  const keys = (def: string) => Object.keys(schema.definitions[def]!.properties ?? {}).sort();

  it('is a valid draft-07 schema that a plain ajv (as editors use) compiles', () => {
    expect(schema.$schema).to.equal('http://json-schema.org/draft-07/schema#');
    const ajv = new Ajv({ strict: false });
    expect(ajv.validateSchema(schema)).to.equal(true);
    expect(() => ajv.compile(schema)).not.to.throw();
  });

  it('lists every task key of the language, plus the on-enter / on-exit extension', () => {
    expect(keys('task')).to.deep.equal(
      [
        'action',
        'workflow',
        'input',
        'with-items',
        'publish',
        'publish-on-error',
        'publish-on-skip',
        'retry',
        'wait-before',
        'wait-after',
        'timeout',
        'pause-before',
        'concurrency',
        'fail-on',
        'target',
        'keep-result',
        'safe-rerun',
        'join',
        'on-success',
        'on-error',
        'on-complete',
        'on-skip',
        'requires',
        'description',
        'tags',
        'name',
        'on-enter',
        'on-exit',
      ].sort(),
    );
  });

  it('lists the keys of task-defaults, workflows, ad-hoc actions and workbooks', () => {
    expect(keys('taskDefaults')).to.deep.equal(
      [
        'retry',
        'wait-before',
        'wait-after',
        'timeout',
        'pause-before',
        'concurrency',
        'fail-on',
        'on-complete',
        'on-success',
        'on-error',
        'on-skip',
        'safe-rerun',
        'requires',
      ].sort(),
    );
    expect(keys('workflow')).to.deep.equal(
      [
        'type',
        'description',
        'tags',
        'input',
        'output',
        'output-on-error',
        'vars',
        'task-defaults',
        'tasks',
        'on-enter',
        'on-exit',
      ].sort(),
    );
    expect(keys('action')).to.deep.equal([
      'base',
      'base-input',
      'description',
      'input',
      'name',
      'output',
      'tags',
    ]);
    expect(keys('workbook')).to.deep.equal(
      ['actions', 'description', 'listeners', 'name', 'tags', 'version', 'workflows'].sort(),
    );
  });
});
