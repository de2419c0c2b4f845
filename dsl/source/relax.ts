/**
 * PyYAML (what Mistral reads workbooks with) does not check the indentation of lines inside a flow collection
 * (`[...]`, `{...}`) or of the continuation lines of a quoted scalar, while YAML 1.2 and the `yaml` package want
 * them indented deeper than the block they sit in. Real workbooks rely on this:
 *
 *     catalog: [
 *     {"type": "network"}          # at the column of `catalog`
 *     ]
 *     - "<% $.get(x)\
 *     \ %>"                         # at the column of the `-`
 *
 * `relaxIndentation` pads such lines with spaces up to one column deeper than the line that opened the collection
 * or the scalar. Leading blanks of these lines carry no meaning (flow content ignores them, line folding of a
 * quoted scalar drops them), so the data is the same; only columns move, and `pads` says by how much on each line
 * so that positions can be given in the user's own text.
 *
 * The scan is lexical and only as deep as needed: it follows quoted scalars (with `\` and `''` escapes), flow
 * brackets, comments and block scalars (`|`, `>`), whose content it leaves alone.
 */

export interface Relaxed {
  text: string;
  /** 1-based line → spaces added at its start. */
  pads: Map<number, number>;
}

/** Where a quoted scalar or a flow collection may start: after a blank, a line start or a flow indicator. */
const SCALAR_START = new Set(['', ' ', '\t', '[', '{', ',']);
const BLOCK_SCALAR_HEADER = /^[|>][-+0-9]*\s*(#.*)?$/;

interface State {
  quote: '"' | "'" | null;
  flowDepth: number;
  /** The least indentation a continuation line must have while in a quote or a flow collection. */
  required: number;
  /** Inside a block scalar: its content lines are indented deeper than this. */
  blockIndent: number | null;
}

/** The text with under-indented flow and quoted-scalar lines padded; undefined when nothing needed padding. */
export function relaxIndentation(text: string): Relaxed | undefined {
  const lines = text.split('\n');
  const pads = new Map<number, number>();
  const st: State = { quote: null, flowDepth: 0, required: 0, blockIndent: null };
  for (let n = 0; n < lines.length; n++) {
    let line = lines[n]!;
    const indent = /^ */.exec(line)![0].length;
    if (st.blockIndent !== null) {
      if (line.trim() === '' || indent > st.blockIndent) continue;
      st.blockIndent = null;
    }
    const continued = st.quote !== null || st.flowDepth > 0;
    if (continued && line.trim() !== '' && indent < st.required) {
      const pad = st.required - indent;
      line = ' '.repeat(pad) + line;
      lines[n] = line;
      pads.set(n + 1, pad);
    }
    scanLine(line, continued ? st.required - 1 : indent, st);
  }
  return pads.size > 0 ? { text: lines.join('\n'), pads } : undefined;
}

/** Follows quotes, brackets, comments and block scalar headers through one line. */
function scanLine(line: string, indent: number, st: State): void {
  let prev = '';
  // Inside a plain scalar (`say "hi" [x]`), quotes and brackets are text; `: ` or a flow indicator ends it.
  let plain = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    const next = line[i + 1] ?? ' ';
    if (st.quote === '"') {
      if (c === '\\') i++;
      else if (c === '"') st.quote = null;
      continue;
    }
    if (st.quote === "'") {
      if (c === "'" && next === "'") i++;
      else if (c === "'") st.quote = null;
      continue;
    }
    const blank = c === ' ' || c === '\t';
    if (c === '#' && (prev === '' || prev === ' ')) return;
    if (plain) {
      if (c === ':' && (next === ' ' || next === '\t')) plain = false;
      else if (st.flowDepth > 0 && ',[]{}'.includes(c)) plain = false;
      else {
        prev = blank ? ' ' : c;
        continue;
      }
    }
    const atStart = SCALAR_START.has(prev) || (prev === ':' && st.flowDepth > 0);
    if ((c === '"' || c === "'") && atStart) {
      if (st.flowDepth === 0) st.required = indent + 1;
      st.quote = c;
    } else if ((c === '[' || c === '{') && (atStart || st.flowDepth > 0)) {
      if (st.flowDepth === 0) st.required = indent + 1;
      st.flowDepth++;
    } else if ((c === ']' || c === '}') && st.flowDepth > 0) {
      st.flowDepth--;
    } else if ((c === '|' || c === '>') && st.flowDepth === 0 && atStart) {
      if (BLOCK_SCALAR_HEADER.test(line.slice(i))) st.blockIndent = indent;
    } else if (!blank && atStart && !'-?:,&*!%@`'.includes(c)) {
      plain = true;
    }
    prev = blank ? ' ' : c;
  }
}
