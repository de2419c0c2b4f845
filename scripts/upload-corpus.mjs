#!/usr/bin/env node
// Uploads every `*.yaml` / `*.yml` file under a folder to a running server, the way a Mistral user would move
// their workbooks over: a document with a top-level `name` goes to POST /v2/workbooks, one whose entries are
// actions (`base:` under each key) to POST /v2/actions, anything else to POST /v2/workflows. An upload refused
// with 409 (already there from an earlier run) is retried as a PUT. Prints one line per file and a count;
// exits 1 when any file was refused.
//
//   node scripts/upload-corpus.mjs <folder> [--url http://127.0.0.1:PORT/v2]
//
// The folder holds third-party workbooks (for example a mirror of openstack/tripleo-common `workbooks/` or
// openstack/mistral-extra `examples/v2`): keep them outside the repository.
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';

const args = process.argv.slice(2);
const urlAt = args.indexOf('--url');
const url = (urlAt >= 0 ? args[urlAt + 1] : process.env.TRAM_URL) ?? 'http://127.0.0.1:8989/v2';
const folder = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--url');
if (!folder) {
  process.stderr.write('usage: upload-corpus.mjs <folder> [--url http://127.0.0.1:PORT/v2]\n');
  process.exit(2);
}

async function* yamlFiles(dir) {
  for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* yamlFiles(path);
    else if (/\.ya?ml$/.test(entry.name)) yield path;
  }
}

/** Which collection a document belongs to, judged from its top-level lines only. */
function endpointOf(text) {
  if (/^name:[ \t]*\S/m.test(text)) return 'workbooks';
  const bases = text.match(/^[ \t]+base:/gm)?.length ?? 0;
  const tasks = text.match(/^[ \t]+tasks:/gm)?.length ?? 0;
  return bases > 0 && tasks === 0 ? 'actions' : 'workflows';
}

async function send(method, endpoint, text) {
  const res = await fetch(`${url}/${endpoint}`, {
    method,
    headers: { 'content-type': 'text/plain' },
    body: text,
  });
  const body = await res.text();
  return { status: res.status, body };
}

let ok = 0;
let refused = 0;
for await (const file of yamlFiles(folder)) {
  const text = await readFile(file, 'utf8');
  const endpoint = endpointOf(text);
  let res = await send('POST', endpoint, text);
  if (res.status === 409) res = await send('PUT', endpoint, text);
  const name = relative(folder, file);
  if (res.status < 300) {
    ok += 1;
    process.stdout.write(`ok      ${endpoint.padEnd(9)} ${name}\n`);
  } else {
    refused += 1;
    let reason = res.body;
    try {
      const parsed = JSON.parse(res.body);
      reason = parsed.faultstring ?? parsed.message ?? res.body;
    } catch {
      // not JSON: print as is
    }
    process.stdout.write(
      `REFUSED ${endpoint.padEnd(9)} ${name}: ${res.status} ${reason.split('\n').slice(0, 3).join(' | ')}\n`,
    );
  }
}
process.stdout.write(`${ok} of ${ok + refused} uploaded\n`);
process.exitCode = refused > 0 ? 1 : 0;
