/**
 * `std.email`: sends one message over SMTP with nodemailer, Mistral's parameters and behaviour:
 * - `to_addrs`, `cc_addrs`, `bcc_addrs`, `reply_to` are lists (a single string is one address); every one of
 *   to, cc and bcc receives the message, bcc without appearing in the headers.
 * - `subject` and `body` default to `<No subject>` and `<No body>`; with `html_body` the message is
 *   `multipart/alternative` (text and HTML).
 * - `smtp_server` is `host` or `host:port` (port 25 by default, as smtplib).
 * - With `smtp_password`, the connection must be upgraded with STARTTLS (the certificate is verified against the
 *   system CAs and `NODE_EXTRA_CA_CERTS`) and logs in as `from_addr`, as Mistral does. Without it, the message
 *   is sent unauthenticated, over STARTTLS when the server offers it (opportunistic, certificate not checked,
 *   as MTAs do between themselves).
 * - The result is `null`; a failure's message is `Failed to send an email message: <reason>`.
 * The connection is opened under the egress policy.
 */

import fs from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import nodemailer from 'nodemailer';
import { toError } from '../../common/errors.js';
import { defineAction } from '../define.js';
import type { ActionDefinition, ActionOutcome } from '../types.js';
import { openEgressSocket, parseDestination } from './egress-socket.js';
import type { EgressPolicy } from './egress-socket.js';

export interface EmailOptions {
  /** Deadline for connecting and for each SMTP reply. @default 30 (seconds) */
  timeoutSeconds: number;
  /** A PEM file of CAs trusted for STARTTLS, in addition to the system's. @default undefined */
  caFile?: string;
}

export const DEFAULT_EMAIL_OPTIONS: Readonly<EmailOptions> = Object.freeze({ timeoutSeconds: 30 });

type EmailInput = {
  from_addr: unknown;
  to_addrs: unknown;
  smtp_server: unknown;
  reply_to: unknown;
  cc_addrs: unknown;
  bcc_addrs: unknown;
  smtp_password: unknown;
  subject: unknown;
  body: unknown;
  html_body: unknown;
};

export function createEmailAction(options: EmailOptions, egress: EgressPolicy): ActionDefinition {
  return defineAction<EmailInput>({
    name: 'std.email',
    description: 'Sends an email message over SMTP; the result is null.',
    input: [
      'from_addr',
      'to_addrs',
      'smtp_server',
      { name: 'reply_to', default: null },
      { name: 'cc_addrs', default: null },
      { name: 'bcc_addrs', default: null },
      { name: 'smtp_password', default: null },
      { name: 'subject', default: null },
      { name: 'body', default: null },
      { name: 'html_body', default: null },
    ],
    run: async (input, ctx): Promise<ActionOutcome> => {
      try {
        await send(input, options, egress, ctx.signal);
        return { ok: true, data: null };
      } catch (err) {
        return { ok: false, error: `Failed to send an email message: ${toError(err).message}` };
      }
    },
  });
}

async function send(
  input: EmailInput,
  options: EmailOptions,
  egress: EgressPolicy,
  signal: AbortSignal,
): Promise<void> {
  const dest = parseDestination(String(input.smtp_server), 25);
  const from = String(input.from_addr);
  const password = input.smtp_password === null ? undefined : String(input.smtp_password);
  const timeoutMs = options.timeoutSeconds * 1000;
  const transport = nodemailer.createTransport({
    host: dest.host,
    port: dest.port,
    secure: false,
    requireTLS: password !== undefined,
    auth: password === undefined ? undefined : { user: from, pass: password },
    tls: password === undefined ? { rejectUnauthorized: false } : verifiedTls(dest.host, options.caFile),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    getSocket: (_opts, callback) => {
      openEgressSocket(dest, egress, { scheme: 'smtp', timeoutMs, signal }).then(
        (socket) => callback(null, { connection: socket }),
        (err: Error) => callback(err),
      );
    },
  });
  const onAbort = () => transport.close();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    const html = input.html_body === null || input.html_body === '' ? undefined : String(input.html_body);
    await transport.sendMail({
      from,
      to: addresses(input.to_addrs),
      cc: addresses(input.cc_addrs),
      bcc: addresses(input.bcc_addrs),
      replyTo: addresses(input.reply_to),
      subject: textOr(input.subject, '<No subject>'),
      text: textOr(input.body, '<No body>'),
      html,
    });
    if (signal.aborted) throw new Error('cancelled');
  } finally {
    signal.removeEventListener('abort', onAbort);
    transport.close();
  }
}

/** TLS that checks the server's certificate: against the system CAs, plus `caFile` when given. */
function verifiedTls(host: string, caFile: string | undefined): tls.ConnectionOptions {
  const options: tls.ConnectionOptions = net.isIP(host) ? {} : { servername: host };
  if (caFile !== undefined) options.ca = [...tls.rootCertificates, fs.readFileSync(caFile, 'utf8')];
  return options;
}

/** A list of addresses, or one address as a string; Mistral's empty default (`null`) is no address. */
function addresses(value: unknown): string[] {
  if (value === null || value === undefined || value === '') return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

/** Python's `value or default`: an empty or missing text takes the default. */
function textOr(value: unknown, fallback: string): string {
  return value === null || value === undefined || value === '' ? fallback : String(value);
}
