/**
 * What the CLI's HTTP client sends. Mistral 15 (pecan/WSME) answers 406 Not Acceptable to a YAML upload
 * (`Content-Type: text/plain`) that accepts only `application/json`: checked against a real Mistral, where
 * `tram workbook create` failed. The client must keep JSON first and accept anything after it.
 */
import { expect } from 'chai';
import { HttpClient } from '../../../cli/client/index.js';
import { knownNames } from '../../../cli/known.js';

function recorder(): { fetch: typeof fetch; seen: Array<{ url: string; headers: Record<string, string> }> } {
  const seen: Array<{ url: string; headers: Record<string, string> }> = [];
  const fake = (async (url: string | URL | Request, init?: RequestInit) => {
    seen.push({ url: String(url), headers: { ...(init?.headers as Record<string, string>) } });
    return new Response('{"ok": true}', { status: 200, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  return { fetch: fake, seen };
}

describe('CLI HTTP client', () => {
  it('uploads YAML as text/plain while accepting JSON first and anything after it (Mistral 406)', async () => {
    const r = recorder();
    const http = new HttpClient({ url: 'http://127.0.0.1:1/v2', fetch: r.fetch });
    await http.post('/v2/workbooks', { text: "version: '2.0'\n" });
    const h = r.seen[0]!.headers;
    expect(h['content-type']).to.match(/^text\/plain/);
    const accepted = h['accept']!.split(',').map((t) => t.trim());
    expect(accepted[0]).to.equal('application/json');
    expect(accepted.some((t) => t.startsWith('*/*'))).to.equal(true);
  });

  it('sends JSON bodies as application/json with the token', async () => {
    const r = recorder();
    const http = new HttpClient({ url: 'http://127.0.0.1:1', token: 'tk', fetch: r.fetch });
    await http.post('/v2/executions', { json: { workflow_name: 'x' } });
    expect(r.seen[0]!.headers).to.include({ 'content-type': 'application/json', 'x-auth-token': 'tk' });
  });
});

describe('CLI "known:" hints', () => {
  it('lists existing names sorted, and says when there are none', () => {
    expect(knownNames(['b', 'a', 'b'])).to.equal('known: a, b');
    expect(knownNames([])).to.equal('there are none');
  });

  it('counts what it does not list', () => {
    const names = Array.from({ length: 25 }, (_, i) => `wf${String(i).padStart(2, '0')}`);
    expect(knownNames(names)).to.match(/wf19, \.\.\. \(5 more\)$/);
  });
});
