/**
 * Statuses: the receiver's report of what it did with a delivery (Sirius's feedback loop). A status starts
 * `queued`, may go `in_progress`, and ends `completed` with a conclusion; once completed it never changes. A
 * status still open at its deadline is completed as `timed_out` by the sweeper.
 */
import { ConflictError, InvalidInputError, NotFoundError } from '../common/index.js';
import type { DeliveryStore } from '../store/index.js';
import type { StatusRecord, StatusUpdate } from './types.js';

export async function applyStatusUpdate(
  store: DeliveryStore,
  id: string,
  update: StatusUpdate,
  now: number,
): Promise<StatusRecord> {
  if (update.status !== 'in_progress' && update.status !== 'completed') {
    throw new InvalidInputError(
      `status must be in_progress or completed, not ${String(update.status)}`,
      'status',
    );
  }
  if (update.status === 'completed' && !update.conclusion) {
    throw new InvalidInputError(
      'a completed status needs a conclusion (success, failure or timed_out)',
      'conclusion',
    );
  }
  const current = await store.getStatus(id);
  if (!current) throw new NotFoundError('status', id);
  if (current.status === 'completed') throw new ConflictError(`status ${id} is already completed`);
  const next: StatusRecord = {
    ...current,
    status: update.status,
    conclusion: update.status === 'completed' ? (update.conclusion ?? null) : null,
    output: update.output ?? current.output,
    updatedAt: now,
  };
  // Compare-and-swap: a status completed meanwhile (by the receiver or the sweeper) wins.
  if (!(await store.updateStatus(next))) throw new ConflictError(`status ${id} is already completed`);
  return next;
}

/** Completes the open statuses whose deadline passed; resolves with how many. */
export async function sweepOverdueStatuses(store: DeliveryStore, now: number): Promise<number> {
  let n = 0;
  for (const s of await store.listStatuses({ overdueAt: now, limit: 500 })) {
    const done = await store.updateStatus({
      ...s,
      status: 'completed',
      conclusion: 'timed_out',
      output: s.output ?? { title: 'Timed out', summary: 'the receiver did not complete the status in time' },
      updatedAt: now,
    });
    if (done) n++;
  }
  return n;
}
