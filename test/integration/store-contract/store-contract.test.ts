/**
 * The store contract: the same behaviour asked of every `Store` implementation, run against SQLite and
 * PostgreSQL (a database created for the run and dropped after it).
 */
import { definitionsContract } from './definitions.contract.js';
import { deliveryContract } from './delivery.contract.js';
import { postgresKind, sqliteKind, withStore } from './harness.js';
import { retentionContract } from './retention.contract.js';
import { runtimeContract } from './runtime.contract.js';
import { workbookSaveContract } from './workbook-save.contract.js';

for (const kind of [sqliteKind(), postgresKind()]) {
  describe(`store contract: ${kind.name}`, () => {
    withStore(kind, (ctx) => {
      describe('runtime', () => runtimeContract(ctx));
      describe('definitions', () => definitionsContract(ctx));
      describe('delivery', () => deliveryContract(ctx));
      describe('retention', () => retentionContract(ctx));
      describe('workbook save', () => workbookSaveContract(ctx));
    });
  });
}
