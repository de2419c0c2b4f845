/**
 * The backlog bench's receiver, in a worker thread of its own: at a thousand deliveries a second on a thousand
 * connections its event loop is busy, and on the bench's main thread it delayed the API prober's responses,
 * which then counted against the server. Records each delivery once and checks that each execution's first
 * receipts come in sequence; posts its figures every 200 ms, and once more when told to stop.
 */
import http from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';

export interface ReceiverFigures {
  delivered: number;
  duplicates: number;
  outOfOrder: number;
  /** When the first delivery arrived (epoch ms, fractional), or 0. */
  firstAt: number;
  /** The worker has stopped; these are its last figures. */
  done: boolean;
}

const port = (workerData as { port: number }).port;
const deliveries = new Set<string>();
const last = new Map<string, number>();
const figures: ReceiverFigures = { delivered: 0, duplicates: 0, outOfOrder: 0, firstAt: 0, done: false };

const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const id = String(req.headers['x-tram-delivery']);
    if (deliveries.has(id)) figures.duplicates++;
    else {
      if (deliveries.size === 0) figures.firstAt = performance.timeOrigin + performance.now();
      deliveries.add(id);
      const ex = String(req.headers['x-tram-execution-id']);
      const seq = Number(req.headers['x-tram-sequence']);
      if (seq !== (last.get(ex) ?? 0) + 1) figures.outOfOrder++;
      last.set(ex, seq);
    }
    figures.delivered = deliveries.size;
    res.writeHead(204).end();
  });
});
server.keepAliveTimeout = 60_000;

let report: NodeJS.Timeout | undefined;
parentPort?.on('message', () => {
  clearInterval(report);
  server.closeAllConnections();
  server.close(() => {
    parentPort?.postMessage({ ...figures, done: true });
    parentPort?.close();
  });
});
// The first report says it listens.
server.listen(port, '127.0.0.1', () => {
  parentPort?.postMessage(figures);
  report = setInterval(() => parentPort?.postMessage(figures), 200);
});
