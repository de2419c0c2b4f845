/**
 * What every command that talks to a server shares: the `--url`, `--token` and `--json` options (with their
 * environment variables), building the API client and the output from them, reading files and JSON arguments,
 * and the "Examples:" section of `--help`.
 */
import { readFile } from 'node:fs/promises';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { toError } from '../../common/index.js';
import { HttpClient, Output, TramApi } from '../client/index.js';

/** The server a command talks to unless told otherwise: `tram serve`'s address. */
export const DEFAULT_URL = 'http://127.0.0.1:8989';

export interface RemoteOptions {
  url: string;
  token?: string;
  json?: boolean;
}

/** Adds `--url` (env TRAM_URL), `--token` (env TRAM_TOKEN) and `--json` to a command. */
export function withRemoteOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option('--url <url>', 'Tramontane (or Mistral) API URL').env('TRAM_URL').default(DEFAULT_URL),
    )
    .addOption(new Option('--token <token>', 'API token, sent as X-Auth-Token').env('TRAM_TOKEN'))
    .option('--json', 'print JSON for scripts instead of a table');
}

export interface Remote {
  api: TramApi;
  out: Output;
}

export function connect(opts: RemoteOptions): Remote {
  const http = new HttpClient({ url: opts.url, token: opts.token });
  return { api: new TramApi(http), out: new Output(opts.json === true) };
}

/** Appends an "Examples:" section to a command's `--help`. */
export function withExamples(cmd: Command, examples: string[]): Command {
  return cmd.addHelpText('after', `\nExamples:\n${examples.map((e) => `  $ ${e}`).join('\n')}\n`);
}

/** A command group (`tram execution`) whose help ends with examples. */
export function group(program: Command, name: string, description: string, examples: string[]): Command {
  return withExamples(program.command(name).description(description), examples);
}

/** A subcommand of a group (`tram execution list`) whose help ends with examples. */
export function leaf(parent: Command, name: string, description: string, examples: string[]): Command {
  return withExamples(parent.command(name).description(description), examples);
}

/**
 * Gives every subcommand of a group the remote options, after its own: called once the group is complete, so
 * that `--help` lists what is particular to a command before what all share.
 */
export function finishGroup(parent: Command): void {
  for (const cmd of parent.commands) withRemoteOptions(cmd);
}

/** A file's text, with the file named when it cannot be read. */
export async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read ${file}: ${toError(err).message}`);
  }
}

/** Parses a JSON value given on the command line (an action's output may be any JSON), naming the option. */
export function parseJsonValue(text: string, option: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`${option} is not valid JSON: ${toError(err).message}`);
  }
}

/** A commander argument parser for counts and limits. */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

/** A commander argument parser for a fixed set of values (case-insensitive, upper-cased). */
export function oneOf<T extends string>(values: readonly T[]): (value: string) => T {
  return (value) => {
    const v = value.toUpperCase() as T;
    if (!values.includes(v)) throw new InvalidArgumentError(`must be one of ${values.join(', ')}`);
    return v;
  };
}

/** `validate FILE` output: `FILE: ok`, or each problem as `FILE:line:col: message` on stderr (exit code 1). */
export function reportValidation(
  out: Output,
  file: string,
  result: { valid: boolean; error?: string | null; warnings?: string | null },
): void {
  // The server names the upload `<input>`; the user knows it by its file name.
  const print = (text: string): void => {
    for (const line of text.replaceAll('<input>', file).split('\n'))
      process.stderr.write(`${line.startsWith(file) ? line : `${file}: ${line}`}\n`);
  };
  if (out.json) {
    out.line(JSON.stringify({ file, valid: result.valid, error: result.error ?? null }));
  } else if (result.valid) {
    if (result.warnings) print(result.warnings);
    out.line(`${file}: ok`);
  } else {
    print(result.error ?? 'invalid');
  }
  if (!result.valid) process.exitCode = 1;
}
