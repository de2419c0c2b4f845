/**
 * The YAML parser's errors, in our words. The parser names its grammar ("Implicit map keys need to be followed
 * by map values"); a person needs to hear what is wrong with their line, most often its indentation. Each error
 * keeps the parser's position; errors we have no better words for keep the parser's text, without the
 * " at line N, column M" it appends (we print positions ourselves).
 *
 * After a real error the parser reports each following token as unexpected, so only the first error is kept
 * when later ones are of that kind.
 */
import type { Document, YAMLError } from 'yaml';

export interface ParserProblem {
  offset: number;
  message: string;
}

const INDENTATION =
  'bad indentation: this line does not line up with the keys of the mapping it belongs to ' +
  '(indent it like its siblings, or check the line above)';

/** Our words for an error, by code; `undefined` keeps the parser's words. */
function reword(e: YAMLError, first: string): string | undefined {
  switch (e.code) {
    case 'BAD_INDENT':
      return first.startsWith('All mapping items') || first.startsWith('All sequence items')
        ? INDENTATION
        : `bad indentation: ${lowerFirst(first)}`;
    case 'MULTILINE_IMPLICIT_KEY':
      return 'a key must fit on one line: is a ":" missing on the line before, or this line indented too little?';
    case 'MULTIPLE_DOCS':
      return "a second YAML document starts here ('---'): a definition is one document (send each on its own)";
    case 'TAB_AS_INDENT':
      return 'a tab is used for indentation: YAML indents with spaces only';
    case 'MISSING_CHAR':
      if (first.startsWith('Missing closing')) {
        const quote = first.includes('"') ? 'double' : 'single';
        return `unterminated ${quote}-quoted string: its closing quote is missing`;
      }
      if (first.startsWith('Implicit map keys need to be followed by map values')) {
        return 'expected "key: value" here: a ":" is missing, or the line is indented wrongly';
      }
      return undefined;
    default:
      return undefined;
  }
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

/**
 * Where a person should look: an indentation error at the first character of its line rather than in the blanks
 * before it, an unterminated string at its opening quote rather than at the end of the text.
 */
function pointAt(e: YAMLError, text: string): number {
  const offset = e.pos[0];
  if (e.code === 'BAD_INDENT' || e.code === 'MULTILINE_IMPLICIT_KEY') {
    let i = offset;
    while (text[i] === ' ') i++;
    return i;
  }
  if (e.code === 'MISSING_CHAR' && e.message.startsWith('Missing closing')) {
    const quote = e.message.includes('"') ? '"' : "'";
    for (let i = Math.min(offset, text.length - 1); i >= 0; i--) {
      if (text[i] !== quote) continue;
      const escaped = quote === '"' ? text[i - 1] === '\\' : text[i - 1] === "'" || text[i + 1] === "'";
      if (!escaped) return i;
      if (quote === "'") i--;
    }
  }
  return offset;
}

export function syntaxProblems(doc: Document.Parsed, text: string): ParserProblem[] {
  const errors = doc.errors.filter((e, i) => i === 0 || e.code !== 'UNEXPECTED_TOKEN');
  // One mistake (a mis-indented line) often gives several errors at the same place: keep the first.
  const seen = new Set<number>();
  const out: ParserProblem[] = [];
  for (const e of errors) {
    const offset = pointAt(e, text);
    if (seen.has(offset)) continue;
    seen.add(offset);
    const first = (e.message.split('\n')[0] ?? e.message).replace(/ at line \d+, column \d+:?$/, '');
    out.push({ offset, message: reword(e, first) ?? first });
  }
  return out;
}
