/**
 * `reportStatus`: tells the server what the receiver did with a delivery, by the id that came with it
 * (`X-Tram-Status-Id`, an AMQP header too). Over REST (`PUT /v2/statuses/{id}`) or over GraphQL (Sirius's
 * `updateStatus` mutation at `/graphql`). A completed status never changes: a second report answers
 * `StatusReportError` with HTTP status 409 (REST) or code `CONFLICT` (GraphQL).
 */

export type StatusConclusion = 'success' | 'failure';

export interface StatusReport {
  /** @default 'completed' when a conclusion is given, else 'in_progress' */
  status?: 'in_progress' | 'completed';
  conclusion?: StatusConclusion;
  output?: { title?: string; summary?: string };
}

export interface ReportOptions {
  /** The server's base URL, e.g. `http://127.0.0.1:8989` (with or without `/v2`). */
  url: string;
  /** An API token (`X-Auth-Token`), when the server asks for one. */
  token?: string;
  /** @default 'rest' */
  via?: 'rest' | 'graphql';
}

export interface StatusResult {
  id: string;
  status: string;
  conclusion: string | null;
  output: { title?: string | null; summary?: string | null } | null;
}

export class StatusReportError extends Error {
  constructor(
    message: string,
    /** The HTTP status, or the GraphQL error code. */
    readonly code: number | string,
  ) {
    super(message);
    this.name = 'StatusReportError';
  }
}

const MUTATION = `mutation($input: UpdateStatusInput!) {
  updateStatus(input: $input) { id status conclusion output { title summary } }
}`;

export async function reportStatus(
  statusId: string,
  report: StatusReport,
  opts: ReportOptions,
): Promise<StatusResult> {
  const base = opts.url.replace(/\/+$/, '').replace(/\/v2$/, '');
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (opts.token) headers['x-auth-token'] = opts.token;
  const status = report.status ?? (report.conclusion ? 'completed' : 'in_progress');
  const fields = { status, conclusion: report.conclusion ?? null, output: report.output ?? null };
  if ((opts.via ?? 'rest') === 'rest') {
    const res = await fetch(`${base}/v2/statuses/${encodeURIComponent(statusId)}`, {
      method: 'PUT',
      headers,
      body: JSON.stringify(fields),
    });
    const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    if (!res.ok) throw new StatusReportError(String(body.faultstring ?? res.statusText), res.status);
    return body as unknown as StatusResult;
  }
  const res = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ query: MUTATION, variables: { input: { id: statusId, ...fields } } }),
  });
  const body = (await res.json().catch(() => ({}))) as {
    data?: { updateStatus?: StatusResult | null };
    errors?: { message: string; extensions?: { code?: string } }[];
  };
  const err = body.errors?.[0];
  if (err) throw new StatusReportError(err.message, err.extensions?.code ?? res.status);
  if (!body.data?.updateStatus) throw new StatusReportError(`no answer from ${base}/graphql`, res.status);
  return body.data.updateStatus;
}
