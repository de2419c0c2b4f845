/**
 * The comparison rules of the conformance corpus (see ../shared/conformance/README.md, "Comparison rules"):
 * exact state, deep-equal output, task counts / states / published as multisets, and per-entity event
 * sequences (ordering between entities is never compared). `ignore` and `match` paths are applied first.
 */

export interface Observation {
  state: string;
  state_info: string | null;
  output: unknown;
  tasks: Record<string, { count: number; states: string[]; published: unknown[] }>;
  events: [string, string, number][];
}

export interface CaseConfig {
  workflow: string;
  input?: Record<string, unknown>;
  params?: Record<string, unknown>;
  steps?: Record<string, unknown>[];
  final?: string;
  events?: boolean | 'multiset';
  ignore?: string[];
  match?: Record<string, string>;
  timeout_s?: number;
  quiet_ms?: number;
}

export function canon(v: unknown): string {
  if (Array.isArray(v)) return '[' + v.map(canon).join(',') + ']';
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return (
      '{' +
      Object.keys(o)
        .sort()
        .map((k) => JSON.stringify(k) + ':' + canon(o[k]))
        .join(',') +
      '}'
    );
  }
  return JSON.stringify(v === undefined ? null : v);
}

export function sortCanon<T>(arr: T[]): T[] {
  return arr
    .map((x) => [canon(x), x] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map((x) => x[1]);
}

type Visitor = (parent: Record<string, unknown>, key: string, present: boolean) => void;

function visit(obj: unknown, segs: string[], fn: Visitor, i = 0): void {
  if (obj === null || typeof obj !== 'object') return;
  const o = obj as Record<string, unknown>;
  const s = segs[i] as string;
  for (const k of s === '*' ? Object.keys(o) : [s]) {
    if (!(k in o)) {
      if (i === segs.length - 1) fn(o, k, false);
      continue;
    }
    if (i === segs.length - 1) fn(o, k, true);
    else visit(o[k], segs, fn, i + 1);
  }
}

function deepDiff(exp: unknown, act: unknown, p: string, diffs: string[]): void {
  if (canon(exp) === canon(act)) return;
  if (
    exp &&
    act &&
    typeof exp === 'object' &&
    typeof act === 'object' &&
    Array.isArray(exp) === Array.isArray(act)
  ) {
    if (Array.isArray(exp) && exp.length !== (act as unknown[]).length) {
      diffs.push(`${p}: expected ${canon(exp)} got ${canon(act)}`);
      return;
    }
    const e = exp as Record<string, unknown>;
    const a = act as Record<string, unknown>;
    for (const k of [...new Set([...Object.keys(e), ...Object.keys(a)])].sort()) {
      const sub = `${p}.${k}`;
      if (!(k in a)) diffs.push(`${sub}: missing (expected ${canon(e[k])})`);
      else if (!(k in e)) diffs.push(`${sub}: unexpected ${canon(a[k])}`);
      else deepDiff(e[k], a[k], sub, diffs);
    }
    return;
  }
  diffs.push(`${p}: expected ${canon(exp)} got ${canon(act)}`);
}

function multisetDiff(exp: unknown[], act: unknown[]): { missing: unknown[]; extra: unknown[] } {
  const count = new Map<string, number>();
  for (const e of exp) count.set(canon(e), (count.get(canon(e)) ?? 0) + 1);
  const extra: unknown[] = [];
  for (const a of act) {
    const k = canon(a);
    const n = count.get(k) ?? 0;
    if (n > 0) count.set(k, n - 1);
    else extra.push(a);
  }
  const missing: unknown[] = [];
  for (const [k, n] of count) for (let i = 0; i < n; i++) missing.push(JSON.parse(k));
  return { missing, extra };
}

function perEntity(list: [string, string, number][]): Map<string, string[]> {
  const m = new Map<string, Map<number, string[]>>();
  for (const [t, ent, n] of list) {
    const g = m.get(ent) ?? new Map<number, string[]>();
    m.set(ent, g);
    const seq = g.get(n) ?? [];
    g.set(n, seq);
    seq.push(t);
  }
  const out = new Map<string, string[]>();
  for (const [ent, g] of m) out.set(ent, [...g.values()].map((s) => s.join('>')).sort());
  return out;
}

export function compare(expect: Observation, obs: Observation, cfg: CaseConfig): string[] {
  const diffs: string[] = [];
  const exp = structuredClone(expect) as unknown as Record<string, unknown>;
  const act = structuredClone(obs) as unknown as Record<string, unknown>;
  const match = cfg.match ?? {};
  if (!('state_info' in match)) {
    delete exp.state_info;
    delete act.state_info;
  }
  for (const p of cfg.ignore ?? []) {
    for (const side of [exp, act]) {
      visit(side, p.split('.'), (parent, key, present) => {
        if (present) delete parent[key];
      });
    }
  }
  for (const [p, re] of Object.entries(match)) {
    const rx = new RegExp(re, 's');
    visit(act, p.split('.'), (parent, key, present) => {
      if (!present) return;
      const v = parent[key];
      const s = typeof v === 'string' ? v : JSON.stringify(v);
      if (!rx.test(s)) diffs.push(`${p}: ${s.slice(0, 200)} !~ /${re}/`);
      parent[key] = '<matched>';
    });
    visit(exp, p.split('.'), (parent, key, present) => {
      if (present) parent[key] = '<matched>';
    });
  }
  const e = exp as unknown as Observation;
  const a = act as unknown as Observation;
  if (e.state !== a.state) diffs.push(`state: expected ${e.state} got ${a.state}`);
  deepDiff(e.output, a.output, 'output', diffs);
  for (const n of [...new Set([...Object.keys(e.tasks), ...Object.keys(a.tasks)])].sort()) {
    const et = e.tasks[n];
    const at = a.tasks[n];
    if (!at) diffs.push(`tasks.${n}: missing`);
    else if (!et) diffs.push(`tasks.${n}: unexpected (states ${at.states.join('/')})`);
    else {
      if (et.count !== at.count) diffs.push(`tasks.${n}.count: expected ${et.count} got ${at.count}`);
      if (canon([...et.states].sort()) !== canon([...at.states].sort())) {
        diffs.push(`tasks.${n}.states: expected ${et.states.join(',')} got ${at.states.join(',')}`);
      }
      if (canon(sortCanon(et.published)) !== canon(sortCanon(at.published))) {
        diffs.push(`tasks.${n}.published: expected ${canon(et.published)} got ${canon(at.published)}`);
      }
    }
  }
  if (cfg.events !== false) {
    const pairs = (l: [string, string, number][]) => l.map((x) => [x[0], x[1]]);
    const { missing, extra } = multisetDiff(pairs(e.events), pairs(a.events));
    if (missing.length) diffs.push(`events missing: ${canon(missing)}`);
    if (extra.length) diffs.push(`events unexpected: ${canon(extra)}`);
    if (cfg.events !== 'multiset' && !missing.length && !extra.length) {
      const pe = perEntity(e.events);
      const pa = perEntity(a.events);
      for (const [ent, seqs] of pe) {
        const aseqs = pa.get(ent) ?? [];
        if (canon(seqs) !== canon(aseqs)) {
          diffs.push(`events order for ${ent}: expected ${seqs.join(' | ')} got ${aseqs.join(' | ')}`);
        }
      }
    }
  }
  return diffs;
}
