/**
 * The HTTP transport: one JSON POST, with keep-alive agents, a bounded time, no redirects followed and a capped
 * response size. It returns an outcome (never throws for a receiver's answer), graded with the delivery codes
 * of the attempt log: `badHttpStatus`, `badConnection`, `timeout`.
 */
import http from 'node:http';
import https from 'node:https';
import axios, { type AxiosInstance } from 'axios';

export type DeliveryCode = 'badHttpStatus' | 'badConnection' | 'timeout';

export type PostOutcome =
  | { ok: true; status: number; durationMs: number }
  | {
      ok: false;
      code: DeliveryCode;
      status?: number;
      message: string;
      durationMs: number;
      retryAfterMs?: number;
    };

export interface HttpTransportOptions {
  /** @default 10000 */
  timeoutMs?: number;
  /** @default 65536 */
  maxResponseBytes?: number;
}

export class HttpTransport {
  private readonly client: AxiosInstance;
  private readonly agents = {
    http: new http.Agent({ keepAlive: true }),
    https: new https.Agent({ keepAlive: true }),
  };

  constructor(private readonly opts: HttpTransportOptions = {}) {
    this.client = axios.create({
      httpAgent: this.agents.http,
      httpsAgent: this.agents.https,
      maxRedirects: 0,
      maxContentLength: opts.maxResponseBytes ?? 65536,
      validateStatus: () => true,
      transitional: { clarifyTimeoutError: true },
    });
  }

  async post(
    url: string,
    body: unknown,
    headers: Record<string, string> = {},
    timeoutMs?: number,
  ): Promise<PostOutcome> {
    const t0 = performance.now();
    try {
      const res = await this.client.post(url, JSON.stringify(body), {
        headers: { 'content-type': 'application/json', ...headers },
        timeout: timeoutMs ?? this.opts.timeoutMs ?? 10000,
      });
      const durationMs = performance.now() - t0;
      if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status, durationMs };
      const retryAfter = Number(res.headers['retry-after']);
      return {
        ok: false,
        code: 'badHttpStatus',
        status: res.status,
        message: `receiver answered HTTP ${res.status}`,
        durationMs,
        ...(Number.isFinite(retryAfter) ? { retryAfterMs: retryAfter * 1000 } : {}),
      };
    } catch (err) {
      const e = err as { code?: string; message?: string };
      const timeout = e.code === 'ETIMEDOUT' || e.code === 'ECONNABORTED';
      return {
        ok: false,
        code: timeout ? 'timeout' : 'badConnection',
        message: e.message ?? String(err),
        durationMs: performance.now() - t0,
      };
    }
  }

  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }
}
