/**
 * Values printed the way Mistral's Python code prints them, for the few string fields whose exact text clients
 * show: a workflow's `input` uses Python's `str()` for defaults (`"%s=%s" % (k, v)`), an action's `input` uses
 * `json.dumps` (ASCII-only, `", "` and `": "` separators).
 */

/** Python's `str(v)`: strings as they are, everything else as `repr`. */
export function pyStr(v: unknown): string {
  return typeof v === 'string' ? v : pyRepr(v);
}

/** Python's `repr(v)` of JSON-like data: `{'a': [1, True, None]}`. */
export function pyRepr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'number') return pyNumber(v);
  if (typeof v === 'string') return pyStringRepr(v);
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  if (typeof v === 'object') {
    const items = Object.entries(v as Record<string, unknown>).map(
      ([k, x]) => `${pyStringRepr(k)}: ${pyRepr(x)}`,
    );
    return `{${items.join(', ')}}`;
  }
  return pyStringRepr(String(v));
}

/** Python's `json.dumps(v)` with its defaults. */
export function pyJson(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number')
    return Number.isFinite(v) ? pyNumber(v) : v > 0 ? 'Infinity' : v < 0 ? '-Infinity' : 'NaN';
  if (typeof v === 'string') return jsonAsciiString(v);
  if (Array.isArray(v)) return `[${v.map(pyJson).join(', ')}]`;
  if (typeof v === 'object') {
    const items = Object.entries(v as Record<string, unknown>).map(
      ([k, x]) => `${jsonAsciiString(k)}: ${pyJson(x)}`,
    );
    return `{${items.join(', ')}}`;
  }
  return jsonAsciiString(String(v));
}

function pyNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e16) return String(n);
  // Python writes exponents with at least two digits: 1e-07, 1e+20.
  return String(n).replace(/e([+-])(\d)$/, 'e$10$2');
}

function pyStringRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + quote;
}

const JSON_ESCAPES: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
};

/** A JSON string with everything outside printable ASCII escaped, as `ensure_ascii=True` does. */
function jsonAsciiString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s.charAt(i);
    const code = s.charCodeAt(i);
    const escaped = JSON_ESCAPES[ch];
    if (escaped) out += escaped;
    else if (code < 0x20 || code > 0x7e) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return out + '"';
}
