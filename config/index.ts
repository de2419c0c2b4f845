/**
 * Configuration, read in one place: the only module that reads `process.env`. Every setting has a default, a
 * documented environment variable, and is validated at start-up; an invalid value is named in the error.
 * CLI flags override the environment (the CLI passes them as `overrides`).
 */
import { TramError } from '../common/index.js';

export interface Config {
  /**
   * Where the store lives: a SQLite file path (or `:memory:`); later also a `postgres://` URL.
   * Env: `TRAM_DB`. @default '.tram/tram.db'
   */
  db: string;
  /** Env: `TRAM_HOST`. @default '127.0.0.1' */
  host: string;
  /** Env: `TRAM_PORT`. @default 8989 (Mistral's port) */
  port: number;
  /** Env: `TRAM_LOG_LEVEL`: fatal, error, warn, info, debug, trace or silent. @default 'info' */
  logLevel: string;
}

export const DEFAULTS: Config = {
  db: '.tram/tram.db',
  host: '127.0.0.1',
  port: 8989,
  logLevel: 'info',
};

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function loadConfig(overrides: Partial<Config> = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const fromEnv: Partial<Config> = {};
  if (env.TRAM_DB) fromEnv.db = env.TRAM_DB;
  if (env.TRAM_HOST) fromEnv.host = env.TRAM_HOST;
  if (env.TRAM_PORT) fromEnv.port = Number(env.TRAM_PORT);
  if (env.TRAM_LOG_LEVEL) fromEnv.logLevel = env.TRAM_LOG_LEVEL;
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  const cfg: Config = { ...DEFAULTS, ...fromEnv, ...defined };
  if (!Number.isInteger(cfg.port) || cfg.port < 0 || cfg.port > 65535) {
    throw new TramError('CONFIG', `invalid port (TRAM_PORT / --port): ${String(cfg.port)}`);
  }
  if (!LOG_LEVELS.includes(cfg.logLevel)) {
    throw new TramError('CONFIG', `invalid log level (TRAM_LOG_LEVEL / --log-level): ${cfg.logLevel}`);
  }
  return cfg;
}
