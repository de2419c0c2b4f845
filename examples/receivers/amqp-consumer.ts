/**
 * An AMQP consumer of Tramontane's events: a durable queue bound to `tram.events` for failures, acked after the
 * handler, dead-lettered after 3 failures, duplicates dropped. Run: TRAM_AMQP_URL=amqp://... QUEUE=my-failures
 * npx tsx examples/receivers/amqp-consumer.ts
 */
import { consume } from '../../sdk/src/index.js';

const consumer = await consume(
  {
    url: process.env.TRAM_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
    exchange: process.env.EXCHANGE ?? 'tram.events',
    queue: process.env.QUEUE ?? 'my-failures',
    bindings: ['task.task_failed', 'execution.workflow_failed'],
    prefetch: 8,
  },
  (msg) => {
    const e = msg.event;
    if (e) console.log(`${e.event} ${e.name} ${e.state_info ?? ''}`);
  },
);
console.log('CONSUMING');

process.on('SIGTERM', () => {
  void consumer.close().then(() => process.exit(0));
});
