/**
 * The benches' HTTP client: `node:http` on one keep-alive agent. `fetch` (undici) spends several times the CPU
 * per request, and on a 2-core machine the client's CPU is taken from the server under test: the figures would
 * measure the client.
 */
import http from 'node:http';

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

export interface HttpFailure extends Error {
  status?: number;
}

/** One request; a JSON answer parsed (`{}` when empty). Throws on a status of 400 or more, carrying `status`. */
export function call(
  method: string,
  url: string,
  body?: unknown,
  text = false,
): Promise<Record<string, unknown>> {
  const payload =
    body === undefined ? undefined : Buffer.from(text ? String(body) : JSON.stringify(body), 'utf8');
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method,
        agent,
        headers: {
          'content-type': text ? 'text/plain' : 'application/json',
          ...(payload ? { 'content-length': payload.length } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          if (status >= 400) {
            const err: HttpFailure = new Error(`${method} ${url}: HTTP ${status} ${raw.slice(0, 200)}`);
            err.status = status;
            reject(err);
            return;
          }
          try {
            resolve(raw ? (JSON.parse(raw) as Record<string, unknown>) : {});
          } catch (err) {
            reject(err instanceof Error ? err : new Error(String(err)));
          }
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** Closes the idle keep-alive sockets, so that the bench process can exit. */
export function closeClient(): void {
  agent.destroy();
}
