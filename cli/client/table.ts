/**
 * Plain-text tables for people: a list as aligned columns under a header, one resource as `field  value` lines.
 * No colours, no box drawing and no dependency, so that the output greps and pastes well. Values are shown the
 * way a person reads them: text as is, JSON compact when short and indented when not.
 */

/** A list column: its header and how a row shows in it. */
export interface Column<T> {
  header: string;
  value: (row: T) => unknown;
  /** Longest text shown before it is cut with `…`. @default 60 */
  max?: number;
}

const DEFAULT_MAX = 60;
/** JSON longer than this is shown indented on several lines in detail views. */
const INLINE_JSON_MAX = 70;

/** One value as a single line (lists): null as empty, JSON compact. */
export function inlineText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v.replace(/\s*\n\s*/g, ' ');
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v.join(', ');
  return JSON.stringify(v);
}

/** One value for a detail view: may span lines (long JSON indented, multi-line text kept). */
export function blockText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v.replace(/\n+$/, '');
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  const compact = JSON.stringify(v);
  return compact.length <= INLINE_JSON_MAX ? compact : JSON.stringify(v, null, 2);
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

/** Rows under a header, columns padded to their widest cell; the last column is not padded. */
export function renderTable<T>(columns: Column<T>[], rows: T[]): string {
  const cells = rows.map((r) => columns.map((c) => truncate(inlineText(c.value(r)), c.max ?? DEFAULT_MAX)));
  const headers = columns.map((c) => c.header);
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((row) => row[i]?.length ?? 0)));
  const line = (row: string[]) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...cells.map(line)].join('\n');
}

/** `field  value` lines; a value on several lines is indented under its first line. */
export function renderDetail(fields: [string, unknown][]): string {
  const width = Math.max(0, ...fields.map(([k]) => k.length));
  const out: string[] = [];
  for (const [key, value] of fields) {
    const [first = '', ...rest] = blockText(value).split('\n');
    out.push(`${key.padEnd(width)}  ${first}`.trimEnd());
    for (const l of rest) out.push(`${' '.repeat(width)}  ${l}`.trimEnd());
  }
  return out.join('\n');
}
