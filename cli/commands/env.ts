/**
 * `tram env list|get|create|update|delete`: environments (`/v2/environments`), named sets of variables an
 * execution reads as `env()` when started with `--params '{"env": "NAME"}'`. An environment file is YAML (or
 * JSON) with `name`, `description` and `variables`, as python-mistralclient reads it.
 */
import type { Command } from 'commander';
import YAML from 'yaml';
import { toError } from '../../common/index.js';
import type { Column, Environment, EnvironmentDocument } from '../client/index.js';
import { connect, finishGroup, group, leaf, readText, type RemoteOptions } from './remote.js';
import { orKnown } from '../known.js';

const COLUMNS: Column<Environment>[] = [
  { header: 'NAME', value: (e) => e.name },
  { header: 'DESCRIPTION', value: (e) => e.description, max: 40 },
  { header: 'SCOPE', value: (e) => e.scope },
  { header: 'CREATED AT', value: (e) => e.created_at },
  { header: 'UPDATED AT', value: (e) => e.updated_at },
];

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Reads an environment file, naming the file and the field when it is not one. */
export async function readEnvironmentFile(file: string): Promise<EnvironmentDocument> {
  let doc: unknown;
  try {
    doc = YAML.parse(await readText(file));
  } catch (err) {
    throw new Error(`${file}: not YAML or JSON: ${toError(err).message.split('\n')[0]}`);
  }
  if (!isObject(doc)) throw new Error(`${file}: an environment file is a mapping with name and variables`);
  if (typeof doc.name !== 'string' || doc.name === '')
    throw new Error(`${file}: 'name' must be a non-empty string`);
  if (doc.variables !== undefined && !isObject(doc.variables)) {
    throw new Error(`${file}: 'variables' must be a mapping`);
  }
  if (doc.description !== undefined && typeof doc.description !== 'string') {
    throw new Error(`${file}: 'description' must be a string`);
  }
  if (doc.scope !== undefined && doc.scope !== 'private' && doc.scope !== 'public') {
    throw new Error(`${file}: 'scope' must be private or public`);
  }
  return { name: doc.name, description: doc.description, variables: doc.variables, scope: doc.scope };
}

export function registerEnv(program: Command): void {
  const env = group(program, 'env', 'manage environments (variables executions read as env())', [
    'tram env create production.yaml',
    'tram execution create nightly_report.run --params \'{"env": "production"}\'',
  ]).alias('environment');

  leaf(env, 'list', 'list environments', ['tram env list']).action(async (opts: RemoteOptions) => {
    const { api, out } = connect(opts);
    out.list(await api.listEnvironments(), COLUMNS, 'environments');
  });

  leaf(env, 'get', 'show an environment and its variables', ['tram env get production'])
    .argument('<name>', 'environment name')
    .action(async (name: string, opts: RemoteOptions) => {
      const { api, out } = connect(opts);
      out.detail(await orKnown(api.getEnvironment(name), 'environment', name, () => api.listEnvironments()));
    });

  leaf(env, 'create', 'create an environment from a YAML or JSON file', [
    'tram env create production.yaml   # name: production, variables: {db_host: db1}',
  ])
    .argument('<file>', 'environment file: name, description, variables')
    .action(async (file: string, opts: RemoteOptions) => {
      const doc = await readEnvironmentFile(file);
      const { api, out } = connect(opts);
      out.detail(await api.createEnvironment(doc));
    });

  leaf(env, 'update', 'replace the description and variables of the environment a file names', [
    'tram env update production.yaml',
  ])
    .argument('<file>', 'environment file: name, description, variables')
    .action(async (file: string, opts: RemoteOptions) => {
      const doc = await readEnvironmentFile(file);
      const { api, out } = connect(opts);
      out.detail(await api.updateEnvironment(doc));
    });

  leaf(env, 'delete', 'delete an environment', ['tram env delete production'])
    .argument('<name>', 'environment name')
    .action(async (name: string, opts: RemoteOptions) => {
      const { api, out } = connect(opts);
      await orKnown(api.deleteEnvironment(name), 'environment', name, () => api.listEnvironments());
      out.done(`deleted environment ${name}`, { deleted: name });
    });

  finishGroup(env);
}
