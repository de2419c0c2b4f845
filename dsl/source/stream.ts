/**
 * A file of several YAML documents (separated by `---`), as people keep related definitions together: each
 * document on its own, as a text of the same length in lines (the lines of the other documents left blank), so
 * that every position found in one document is a position in the file.
 */
import { parseAllDocuments } from 'yaml';

export function splitDocuments(text: string): string[] {
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs) || docs.length < 2) return [text];
  return docs.map((doc) => {
    const [from, to] = doc.range;
    const before = text.slice(0, from).replace(/[^\n]/g, '');
    return before + text.slice(from, to);
  });
}
