/**
 * The console's access to the REST API (same origin): JSON in and out, the token from the prompt kept in
 * localStorage and sent as `X-Auth-Token`. A 401 raises `AuthRequired`, on which the app shows the prompt.
 */
const TOKEN_KEY = 'tram.token';

export class AuthRequired extends Error {}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export const token = {
  get: (): string => localStorage.getItem(TOKEN_KEY) ?? '',
  set: (t: string): void => localStorage.setItem(TOKEN_KEY, t),
};

let onAuthRequired: () => void = () => undefined;
export function whenAuthRequired(f: () => void): void {
  onAuthRequired = f;
}

export type Json = Record<string, unknown>;

export async function api<T = Json>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const t = token.get();
  if (t) headers['x-auth-token'] = t;
  let payload: string | undefined;
  if (typeof body === 'string') {
    headers['content-type'] = 'text/plain';
    payload = body;
  } else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const res = await fetch(path, { method, headers, ...(payload === undefined ? {} : { body: payload }) });
  if (res.status === 401) {
    onAuthRequired();
    throw new AuthRequired('a token is required');
  }
  const text = await res.text();
  const parsed: unknown = text ? JSON.parse(text) : null;
  if (!res.ok) {
    const fault = (parsed as { faultstring?: string } | null)?.faultstring;
    throw new ApiError(res.status, fault ?? `${res.status} ${res.statusText}`);
  }
  return parsed as T;
}

export const get = <T = Json>(path: string) => api<T>('GET', path);

/** Mistral serialises some fields as JSON text (`input`, `params`, `result`...): shown parsed when they are. */
export function parsed(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}
