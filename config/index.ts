/**
 * Configuration, read in one place: the only module that reads `process.env`. Every setting has a default, a
 * documented environment variable, and is validated at start-up; an invalid value is named in the error.
 * CLI flags override the environment (the CLI passes them as `overrides`).
 */
import { TramError } from '../common/index.js';

export interface Config {
  /**
   * Where the store lives: a `postgres://user@host:port/db` URL (PostgreSQL, for several nodes on one
   * database), or else a SQLite file path (or `:memory:`).
   * Env: `TRAM_DB`. @default '.tram/tram.db'
   */
  db: string;
  /** Env: `TRAM_HOST`. @default '127.0.0.1' */
  host: string;
  /** Env: `TRAM_PORT`. @default 8989 (Mistral's port) */
  port: number;
  /** Env: `TRAM_LOG_LEVEL`: fatal, error, warn, info, debug, trace or silent. @default 'info' */
  logLevel: string;
  /** Request log lines carry the headers (credentials still redacted). Env: `TRAM_LOG_HEADERS`. @default false */
  logHeaders: boolean;
  /**
   * Accepted API tokens (`X-Auth-Token` or `Authorization: Bearer`). Empty: no authentication.
   * Env: `TRAM_AUTH_TOKENS` (comma-separated). @default []
   */
  authTokens: string[];
  /** Bind a non-loopback address without tokens. Flag `--insecure`. @default false */
  insecure: boolean;
  /** Largest request body accepted. Env: `TRAM_MAX_BODY`. @default '1mb' */
  maxBody: string;
  /** AMQP broker for event delivery. Env: `TRAM_AMQP_URL`. @default 'amqp://guest:guest@127.0.0.1:5672' */
  amqpUrl: string;
  /**
   * Listener URLs may point at loopback and private addresses (SSRF guard off).
   * Env: `TRAM_EGRESS_ALLOW_PRIVATE` (1/0, true/false). @default true while bound to loopback, false otherwise
   */
  egressAllowPrivate: boolean;
  /**
   * A listener failing without a single success for this long is disabled.
   * Env: `TRAM_LISTENER_DISABLE_AFTER` (seconds). @default 432000 (5 days)
   */
  listenerDisableAfterS: number;
  /**
   * Pending deliveries of one listener held in memory; the rest of the backlog waits in the store and is paged
   * in (ten times this for all listeners together). Env: `TRAM_DELIVERY_MEMORY`. @default 2000
   */
  deliveryMemory: number;
  /**
   * How long a failing store commit (database restart, reset connection, full disk) is retried before the
   * server gives up and exits (code 75) for its supervisor to restart it. Env: `TRAM_COMMIT_RETRY_S`. @default 30
   */
  commitRetryS: number;
  /**
   * Longest `timeout` a `std.javascript` task may ask for; a larger one fails the task.
   * Env: `TRAM_SCRIPT_TIMEOUT_MAX` (seconds). @default 60
   */
  scriptTimeoutMaxS: number;
  /** Heap cap of the thread running a `std.javascript` script. Env: `TRAM_SCRIPT_MEMORY_MB`. @default 64 */
  scriptMemoryMb: number;
  /**
   * Event-trigger queues are named `<prefix>.<exchange>.<topic>` (and `....dead` for dead letters); servers
   * sharing a prefix share the work. Env: `TRAM_EVENT_TRIGGER_QUEUE_PREFIX`. @default 'tram.event_triggers'
   */
  eventTriggerQueuePrefix: string;
  /**
   * Notifications each event-trigger consumer holds unacked at once.
   * Env: `TRAM_EVENT_TRIGGER_PREFETCH`. @default 64
   */
  eventTriggerPrefetch: number;
  /**
   * Action packs: JavaScript modules of custom actions loaded at start-up (see `docs/actions.md`). A pack that
   * does not load stops start-up. Flag `--actions FILE` (repeatable). Env: `TRAM_ACTIONS` (comma-separated
   * paths). @default []
   */
  actionPacks: string[];
  /**
   * The `known_hosts` file of `std.ssh` / `std.ssh_proxied` (OpenSSH's format: seed it with `ssh-keyscan`).
   * Env: `TRAM_SSH_KNOWN_HOSTS`. @default '.tram/known_hosts'
   */
  sshKnownHosts: string;
  /**
   * `accept-new`: a host not in `sshKnownHosts` is trusted on first use and its key recorded; `strict`: only
   * hosts listed there are. A changed key is refused either way. Env: `TRAM_SSH_HOST_KEY_POLICY`.
   * @default 'accept-new'
   */
  sshHostKeyPolicy: 'accept-new' | 'strict';
  /** Where a relative `private_key_filename` is looked up. Env: `TRAM_SSH_KEY_DIR`. @default '~/.ssh' */
  sshKeyDir: string;
  /**
   * Let `std.ssh_proxied` run its `proxy_command` on this server (a shell command a workflow chooses).
   * Env: `TRAM_SSH_ALLOW_PROXY_COMMAND` (1/0, true/false). @default false
   */
  sshAllowProxyCommand: boolean;
  /**
   * How often the retention sweeper runs (execution expiration and outbox compaction); 0 turns it off.
   * Env: `TRAM_RETENTION_INTERVAL` (seconds). @default 60
   */
  retentionIntervalS: number;
  /**
   * Mistral's `execution_expiration_policy.older_than`: top-level executions finished longer ago than this are
   * deleted with their tasks, sub-executions and events; 0 keeps them. Env:
   * `TRAM_EXECUTION_EXPIRATION_OLDER_THAN` (minutes). @default 0
   */
  expirationOlderThanMin: number;
  /**
   * Mistral's `max_finished_executions`: only the newest N finished top-level executions are kept; 0 keeps all.
   * Env: `TRAM_EXECUTION_EXPIRATION_MAX_FINISHED`. @default 0
   */
  expirationMaxFinished: number;
  /** Mistral's `batch_size`: executions deleted per transaction (a sweep runs batches until none is due). Env: `TRAM_EXECUTION_EXPIRATION_BATCH_SIZE`. @default 500 */
  expirationBatchSize: number;
  /**
   * The replay window of the outbox: events older than this whose deliveries are all done are compacted away
   * (the newest event of each execution stays, to number its next events). A WebSocket client can resume from
   * any point inside the window. 0 keeps every event. Env: `TRAM_OUTBOX_RETENTION` (seconds). @default 86400
   */
  outboxRetentionS: number;
  /**
   * How far the server's heap may grow past what the last full collection left live before the next one, in
   * percent (V8's `--heap-growing-percent`, set by `tram serve` at start). V8's own factor reaches 4x under load
   * and keeps the pages it grew into: a burst of creates left ~120 MB of garbage-sized heap behind it; at 30 the
   * peak stays ~35 MB over idle, for a few more (concurrent) full collections. 0 leaves V8's own.
   * Env: `TRAM_HEAP_GROWTH_PERCENT`. @default 30
   */
  heapGrowthPercent: number;
  /**
   * Most task executions one workflow execution may create; the task that would create one more fails, and the
   * workflow with it. A loop that never ends otherwise writes about 25 MB of history per second, here, until
   * the disk is full (Mistral, a hundred times slower, has no such limit). 0: no limit.
   * Env: `TRAM_MAX_TASKS_PER_EXECUTION`. @default 100000
   */
  maxTasksPerExecution: number;
  /**
   * Deepest nesting of sub-workflows under a top-level execution; the task that would start one deeper fails.
   * A workflow calling itself without end otherwise nests until memory runs out. 0: no limit.
   * Env: `TRAM_MAX_WORKFLOW_DEPTH`. @default 100
   */
  maxWorkflowDepth: number;
  /**
   * Most executions one tree (a top-level execution and its sub-workflows) may start; the task that would start
   * one more fails. A workflow starting ten copies of itself otherwise grows without end (it grew the server by
   * ~430 MB/s, and its database as fast). 0: no limit. Env: `TRAM_MAX_EXECUTIONS_PER_TREE`. @default 20000
   */
  maxExecutionsPerTree: number;
}

export const DEFAULTS: Config = {
  db: '.tram/tram.db',
  host: '127.0.0.1',
  port: 8989,
  logLevel: 'info',
  logHeaders: false,
  authTokens: [],
  insecure: false,
  maxBody: '1mb',
  amqpUrl: 'amqp://guest:guest@127.0.0.1:5672',
  egressAllowPrivate: true,
  listenerDisableAfterS: 432000,
  deliveryMemory: 2000,
  commitRetryS: 30,
  scriptTimeoutMaxS: 60,
  scriptMemoryMb: 64,
  eventTriggerQueuePrefix: 'tram.event_triggers',
  eventTriggerPrefetch: 64,
  actionPacks: [],
  sshKnownHosts: '.tram/known_hosts',
  sshHostKeyPolicy: 'accept-new',
  sshKeyDir: '~/.ssh',
  sshAllowProxyCommand: false,
  retentionIntervalS: 60,
  expirationOlderThanMin: 0,
  expirationMaxFinished: 0,
  expirationBatchSize: 500,
  outboxRetentionS: 86400,
  heapGrowthPercent: 30,
  maxTasksPerExecution: 100_000,
  maxWorkflowDepth: 100,
  maxExecutionsPerTree: 20_000,
};

function parseBool(name: string, v: string): boolean {
  if (/^(1|true|yes|on)$/i.test(v)) return true;
  if (/^(0|false|no|off)$/i.test(v)) return false;
  throw new TramError('CONFIG', `invalid ${name}: ${v} (expected 1/0, true/false)`);
}

/** A comma-separated list, blanks dropped. */
function list(v: string): string[] {
  return v
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function loadConfig(overrides: Partial<Config> = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const fromEnv: Partial<Config> = {};
  if (env.TRAM_DB) fromEnv.db = env.TRAM_DB;
  if (env.TRAM_HOST) fromEnv.host = env.TRAM_HOST;
  if (env.TRAM_PORT) fromEnv.port = Number(env.TRAM_PORT);
  if (env.TRAM_LOG_LEVEL) fromEnv.logLevel = env.TRAM_LOG_LEVEL;
  if (env.TRAM_AUTH_TOKENS) fromEnv.authTokens = list(env.TRAM_AUTH_TOKENS);
  if (env.TRAM_MAX_BODY) fromEnv.maxBody = env.TRAM_MAX_BODY;
  if (env.TRAM_AMQP_URL) fromEnv.amqpUrl = env.TRAM_AMQP_URL;
  if (env.TRAM_EGRESS_ALLOW_PRIVATE)
    fromEnv.egressAllowPrivate = parseBool('TRAM_EGRESS_ALLOW_PRIVATE', env.TRAM_EGRESS_ALLOW_PRIVATE);
  if (env.TRAM_LISTENER_DISABLE_AFTER)
    fromEnv.listenerDisableAfterS = Number(env.TRAM_LISTENER_DISABLE_AFTER);
  if (env.TRAM_DELIVERY_MEMORY) fromEnv.deliveryMemory = Number(env.TRAM_DELIVERY_MEMORY);
  if (env.TRAM_COMMIT_RETRY_S) fromEnv.commitRetryS = Number(env.TRAM_COMMIT_RETRY_S);
  if (env.TRAM_LOG_HEADERS) fromEnv.logHeaders = parseBool('TRAM_LOG_HEADERS', env.TRAM_LOG_HEADERS);
  if (env.TRAM_SCRIPT_TIMEOUT_MAX) fromEnv.scriptTimeoutMaxS = Number(env.TRAM_SCRIPT_TIMEOUT_MAX);
  if (env.TRAM_SCRIPT_MEMORY_MB) fromEnv.scriptMemoryMb = Number(env.TRAM_SCRIPT_MEMORY_MB);
  if (env.TRAM_EVENT_TRIGGER_QUEUE_PREFIX)
    fromEnv.eventTriggerQueuePrefix = env.TRAM_EVENT_TRIGGER_QUEUE_PREFIX;
  if (env.TRAM_EVENT_TRIGGER_PREFETCH) fromEnv.eventTriggerPrefetch = Number(env.TRAM_EVENT_TRIGGER_PREFETCH);
  if (env.TRAM_ACTIONS) fromEnv.actionPacks = list(env.TRAM_ACTIONS);
  if (env.TRAM_SSH_KNOWN_HOSTS) fromEnv.sshKnownHosts = env.TRAM_SSH_KNOWN_HOSTS;
  if (env.TRAM_SSH_HOST_KEY_POLICY)
    fromEnv.sshHostKeyPolicy = env.TRAM_SSH_HOST_KEY_POLICY as Config['sshHostKeyPolicy'];
  if (env.TRAM_SSH_KEY_DIR) fromEnv.sshKeyDir = env.TRAM_SSH_KEY_DIR;
  if (env.TRAM_SSH_ALLOW_PROXY_COMMAND)
    fromEnv.sshAllowProxyCommand = parseBool(
      'TRAM_SSH_ALLOW_PROXY_COMMAND',
      env.TRAM_SSH_ALLOW_PROXY_COMMAND,
    );
  const numbers: [keyof Config, string][] = [
    ['retentionIntervalS', 'TRAM_RETENTION_INTERVAL'],
    ['expirationOlderThanMin', 'TRAM_EXECUTION_EXPIRATION_OLDER_THAN'],
    ['expirationMaxFinished', 'TRAM_EXECUTION_EXPIRATION_MAX_FINISHED'],
    ['expirationBatchSize', 'TRAM_EXECUTION_EXPIRATION_BATCH_SIZE'],
    ['outboxRetentionS', 'TRAM_OUTBOX_RETENTION'],
    ['heapGrowthPercent', 'TRAM_HEAP_GROWTH_PERCENT'],
    ['maxTasksPerExecution', 'TRAM_MAX_TASKS_PER_EXECUTION'],
    ['maxWorkflowDepth', 'TRAM_MAX_WORKFLOW_DEPTH'],
    ['maxExecutionsPerTree', 'TRAM_MAX_EXECUTIONS_PER_TREE'],
  ];
  for (const [key, name] of numbers)
    if (env[name]) (fromEnv as Record<string, unknown>)[key] = Number(env[name]);
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  const cfg: Config = { ...DEFAULTS, ...fromEnv, ...defined };
  // Private addresses are reachable by default only when the server itself is local.
  if (fromEnv.egressAllowPrivate === undefined && defined.egressAllowPrivate === undefined)
    cfg.egressAllowPrivate = isLoopback(cfg.host);
  if (!Number.isFinite(cfg.listenerDisableAfterS) || cfg.listenerDisableAfterS <= 0) {
    throw new TramError(
      'CONFIG',
      `invalid TRAM_LISTENER_DISABLE_AFTER: ${String(cfg.listenerDisableAfterS)} (seconds, > 0)`,
    );
  }
  positive('TRAM_DELIVERY_MEMORY', cfg.deliveryMemory, 'deliveries', 10_000_000);
  positive('TRAM_COMMIT_RETRY_S', cfg.commitRetryS, 'seconds', 3600);
  positive('TRAM_SCRIPT_TIMEOUT_MAX', cfg.scriptTimeoutMaxS, 'seconds', 3600);
  positive('TRAM_SCRIPT_MEMORY_MB', cfg.scriptMemoryMb, 'MiB', 4096);
  if (!Number.isInteger(cfg.eventTriggerPrefetch) || cfg.eventTriggerPrefetch < 1) {
    throw new TramError(
      'CONFIG',
      `invalid TRAM_EVENT_TRIGGER_PREFETCH: ${String(cfg.eventTriggerPrefetch)} (an integer, >= 1)`,
    );
  }
  if (cfg.sshHostKeyPolicy !== 'accept-new' && cfg.sshHostKeyPolicy !== 'strict') {
    throw new TramError(
      'CONFIG',
      `invalid TRAM_SSH_HOST_KEY_POLICY: ${String(cfg.sshHostKeyPolicy)} (expected accept-new or strict)`,
    );
  }
  for (const [key, name] of numbers) {
    const v = cfg[key] as number;
    if (!Number.isInteger(v) || v < 0)
      throw new TramError('CONFIG', `invalid ${name}: ${String(v)} (an integer, >= 0)`);
  }
  if (cfg.expirationBatchSize === 0) cfg.expirationBatchSize = DEFAULTS.expirationBatchSize;
  if (!Number.isInteger(cfg.port) || cfg.port < 0 || cfg.port > 65535) {
    throw new TramError('CONFIG', `invalid port (TRAM_PORT / --port): ${String(cfg.port)}`);
  }
  if (!LOG_LEVELS.includes(cfg.logLevel)) {
    throw new TramError('CONFIG', `invalid log level (TRAM_LOG_LEVEL / --log-level): ${cfg.logLevel}`);
  }
  if (!isLoopback(cfg.host) && cfg.authTokens.length === 0 && !cfg.insecure) {
    throw new TramError(
      'CONFIG',
      `refusing to listen on ${cfg.host} without authentication: set TRAM_AUTH_TOKENS, or pass --insecure to accept it`,
    );
  }
  return cfg;
}

/** A number in (0, max], or a start-up error naming the setting. */
function positive(name: string, value: number, unit: string, max: number): void {
  if (!Number.isFinite(value) || value <= 0 || value > max)
    throw new TramError('CONFIG', `invalid ${name}: ${String(value)} (${unit}, > 0 and <= ${max})`);
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}
