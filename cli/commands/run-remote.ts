/**
 * `tram run FILE --url URL`: the remote twin of `tram run`. Uploads the document to the server (a workbook or a
 * document of workflows; created, or updated when it exists), starts the workflow there and follows it like
 * `tram execution watch`. Exits 0 only if the execution succeeds.
 */
import YAML from 'yaml';
import { toError } from '../../common/index.js';
import { HttpClient, isHttpStatus, Output, TramApi } from '../client/index.js';
import { watchToEnd } from './execution.js';
import { readText } from './remote.js';

export interface RemoteRunOptions {
  url: string;
  token?: string;
  workflow?: string;
  input: Record<string, unknown>;
  params: Record<string, unknown>;
  json?: boolean;
}

/** What the upload needs to know of a document before the server parses it: its kind and workflow names. */
interface DocumentOutline {
  kind: 'workbook' | 'workflows';
  /** Workflow names as the server will know them (`wb.wf` in a workbook), in document order. */
  workflows: string[];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The same rule as the server's: a document with `name`, `workflows` or `actions` is a workbook. */
export function outline(text: string, file: string): DocumentOutline {
  let root: unknown;
  try {
    root = YAML.parse(text);
  } catch (err) {
    throw new Error(`${file}: not valid YAML: ${toError(err).message.split('\n')[0]}`);
  }
  if (!isRecord(root)) throw new Error(`${file}: not a workbook or workflows document`);
  const keys = (section: unknown) =>
    isRecord(section) ? Object.keys(section).filter((k) => k !== 'version') : [];
  if ('name' in root || 'workflows' in root || 'actions' in root) {
    const wb = String(root.name ?? '');
    return { kind: 'workbook', workflows: keys(root.workflows).map((k) => `${wb}.${k}`) };
  }
  return { kind: 'workflows', workflows: keys(root) };
}

/** Creates what the document defines, or updates it when the server already has it (409). */
async function upload(api: TramApi, text: string, kind: DocumentOutline['kind']): Promise<void> {
  const [create, update] =
    kind === 'workbook'
      ? [() => api.createWorkbook(text), () => api.updateWorkbook(text)]
      : [() => api.createWorkflows(text), () => api.updateWorkflows(text)];
  try {
    await create();
  } catch (err) {
    if (!isHttpStatus(err, 409)) throw err;
    await update();
  }
}

export async function runRemote(file: string, opts: RemoteRunOptions): Promise<void> {
  const text = await readText(file);
  const doc = outline(text, file);
  const workflow = opts.workflow ?? doc.workflows[0];
  if (!workflow) throw new Error(`${file} defines no workflow`);
  const api = new TramApi(new HttpClient({ url: opts.url, token: opts.token }));
  const out = new Output(opts.json === true);
  await upload(api, text, doc.kind);
  const created = await api.createExecution({
    workflowName: workflow,
    input: opts.input,
    params: opts.params,
  });
  if (!out.json) out.line(`execution ${created.id} of ${created.workflow_name} on ${api.http.baseUrl}`);
  await watchToEnd(api, created.id, out.json);
}
