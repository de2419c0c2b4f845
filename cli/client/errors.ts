/**
 * What can go wrong talking to a Tramontane (or Mistral) server, graded by cause so that callers can react to
 * the kind rather than to a message: the server answered with an error status, it could not be reached, or it
 * answered with something that is not the API. Each message is one line, ready to print after `tram: `.
 */

export type ClientErrorCode = 'HTTP_STATUS' | 'UNREACHABLE' | 'BAD_RESPONSE' | 'BAD_URL';

export class ClientError extends Error {
  readonly code: ClientErrorCode;
  /** The HTTP status, for `HTTP_STATUS`. */
  readonly status: number | undefined;
  /** The server's own error code (`NOT_FOUND`, `DSL_INVALID`, ...), when it sent one. */
  readonly serverCode: string | undefined;

  constructor(
    code: ClientErrorCode,
    message: string,
    options: { status?: number; serverCode?: string; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'ClientError';
    this.code = code;
    this.status = options.status;
    this.serverCode = options.serverCode;
  }
}

/** Whether a caught value is an HTTP error with this status (e.g. 409 to fall back from create to update). */
export function isHttpStatus(err: unknown, status: number): boolean {
  return err instanceof ClientError && err.code === 'HTTP_STATUS' && err.status === status;
}
