/**
 * A webhook receiver for a Tramontane listener: verifies, parses and de-duplicates each delivery, prints it,
 * and reports a status for listeners that have statuses. Run: TRAM_WEBHOOK_SECRET=whsec_... PORT=3000
 * TRAM_URL=http://127.0.0.1:8989 npx tsx examples/receivers/webhook-receiver.ts
 */
import express from 'express';
import { reportStatus, webhookMiddleware, type TramRequestInfo } from '../../sdk/src/index.js';

const secret = process.env.TRAM_WEBHOOK_SECRET ?? '';
const tramUrl = process.env.TRAM_URL ?? 'http://127.0.0.1:8989';
const app = express();

app.post('/hook', webhookMiddleware({ secret }), async (req, res) => {
  const { event, statusId } = (req as unknown as { tram: TramRequestInfo }).tram;
  if (event) console.log(`${event.event} ${event.name} ${event.state}`);
  if (statusId) {
    const conclusion = event?.state === 'ERROR' ? 'failure' : 'success';
    await reportStatus(statusId, { conclusion, output: { title: `seen ${event?.event}` } }, { url: tramUrl });
  }
  res.status(204).end();
});

const server = app.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => {
  const addr = server.address();
  console.log(`LISTENING ${typeof addr === 'object' && addr ? addr.port : ''}`);
});
process.on('SIGTERM', () => server.close());
