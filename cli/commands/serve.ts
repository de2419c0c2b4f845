/** `tram serve`: the Mistral-compatible API server (also `npm start`'s job once installed). */
import type { Command } from 'commander';
import { loadConfig } from '../../config/index.js';
import { sizeHeap } from '../heap.js';

/** Exit code of a node that lost its lease (sysexits' EX_TEMPFAIL: start it again). */
export const EXIT_FENCED = 75;

interface ServeOptions {
  host?: string;
  port?: string;
  db?: string;
  authTokens?: string;
  logLevel?: string;
  insecure?: boolean;
  amqpUrl?: string;
  egressAllowPrivate?: boolean;
  listenerDisableAfter?: string;
  actions?: string[];
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('serve the Mistral-compatible REST API v2')
    .option('--host <host>', 'address to bind (env TRAM_HOST, default 127.0.0.1)')
    .option('--port <port>', 'port (env TRAM_PORT, default 8989)')
    .option(
      '--db <location>',
      'postgres://user@host:port/db, or a SQLite path (env TRAM_DB, default .tram/tram.db)',
    )
    .option('--auth-tokens <tokens>', 'comma-separated API tokens (env TRAM_AUTH_TOKENS)')
    .option('--log-level <level>', 'log level (env TRAM_LOG_LEVEL, default info)')
    .option('--insecure', 'allow a non-loopback address without tokens')
    .option(
      '--amqp-url <url>',
      'broker of AMQP listeners (env TRAM_AMQP_URL, default amqp://guest:guest@127.0.0.1:5672)',
    )
    .option(
      '--egress-allow-private',
      'let listeners reach loopback and private addresses (env TRAM_EGRESS_ALLOW_PRIVATE; default: only when bound to loopback)',
    )
    .option(
      '--listener-disable-after <seconds>',
      'disable a listener failing for this long (env TRAM_LISTENER_DISABLE_AFTER, default 432000 = 5 days)',
    )
    .option(
      '--actions <file>',
      'load an action pack, a module of defineAction actions (repeatable; env TRAM_ACTIONS, comma-separated)',
      (file: string, files: string[] | undefined) => [...(files ?? []), file],
    )
    .action(async (opts: ServeOptions) => {
      const config = loadConfig({
        host: opts.host,
        port: opts.port === undefined ? undefined : Number(opts.port),
        db: opts.db,
        authTokens: opts.authTokens
          ?.split(',')
          .map((t) => t.trim())
          .filter(Boolean),
        logLevel: opts.logLevel,
        insecure: opts.insecure,
        amqpUrl: opts.amqpUrl,
        egressAllowPrivate: opts.egressAllowPrivate,
        listenerDisableAfterS:
          opts.listenerDisableAfter === undefined ? undefined : Number(opts.listenerDisableAfter),
        actionPacks: opts.actions,
      });
      sizeHeap(config);
      // Loaded on use: the client commands need neither the server nor the engine, and start faster without.
      const { startServer } = await import('../../api/index.js');
      const server = await startServer(config);
      const stop = () => {
        void server.close().then(() => process.exit(0));
      };
      // `on`, not `once`: a library's exit hook (signal-exit) re-raises the signal when it finds itself the only
      // listener left, which would kill the process before the graceful close ends. `close()` is idempotent.
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
      // A node declared dead by the others (it stalled past its lease) must not go on answering: its commits
      // are refused, so every call that writes would wait forever. It exits (EX_TEMPFAIL) for its supervisor to
      // start it again: a fresh process joins with a new id and an empty memory. The pause lets the log line out.
      const exitForRestart = () => {
        setTimeout(() => process.exit(EXIT_FENCED), 100);
      };
      server.engine.store.cluster?.onFenced(exitForRestart);
      // The same when the store refused commits past the retry time: memory no longer matches the store, and a
      // restart recovers every execution from what is durable (on a cluster, the other nodes take them over).
      server.engine.onFatal(exitForRestart);
    });
}
