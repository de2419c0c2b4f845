/**
 * Depth and complexity limits for GraphQL requests, checked before the schema's validation runs (graphql-js
 * parses and validates recursively: a selection nested a few thousand levels deep overflows the stack, and
 * overlapping-field validation is quadratic in the number of fields).
 *
 * - `nestingProblem` reads the query text once, without parsing it: braces and brackets nested deeper than
 *   `MAX_NESTING` (strings and comments skipped) are refused before the recursive parser sees them.
 * - `costProblem` walks the parsed document iteratively: selection sets deeper than `maxDepth`, or more than
 *   `maxSelections` selections once fragments are expanded (a fragment cycle expands for ever, so it ends
 *   here too), are refused.
 */
import { Kind, type DocumentNode, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';

export interface GraphQLLimits {
  /** Deepest selection set. @default 10 */
  maxDepth: number;
  /** Most selections (fields, spreads, inline fragments) with fragments expanded. @default 500 */
  maxSelections: number;
}

export const GRAPHQL_LIMITS: Readonly<GraphQLLimits> = Object.freeze({ maxDepth: 10, maxSelections: 500 });

/** Brackets of any kind (selections, input objects, lists) nested deeper than this are refused unparsed. */
const MAX_NESTING = 64;

export function nestingProblem(query: string): string | undefined {
  let depth = 0;
  for (let i = 0; i < query.length; i++) {
    const c = query[i];
    if (c === '#') {
      while (i < query.length && query[i] !== '\n') i++;
    } else if (c === '"') {
      const block = query.startsWith('"""', i);
      const end = block ? '"""' : '"';
      i += end.length;
      while (i < query.length && !query.startsWith(end, i)) i += query[i] === '\\' ? 2 : 1;
      i += end.length - 1;
    } else if (c === '{' || c === '[' || c === '(') {
      if (++depth > MAX_NESTING) return `the query nests deeper than ${MAX_NESTING} brackets`;
    } else if (c === '}' || c === ']' || c === ')') {
      depth--;
    }
  }
  return undefined;
}

export function costProblem(doc: DocumentNode, limits: GraphQLLimits = GRAPHQL_LIMITS): string | undefined {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of doc.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const stack: Array<[SelectionSetNode, number]> = [];
  for (const d of doc.definitions) if (d.kind === Kind.OPERATION_DEFINITION) stack.push([d.selectionSet, 1]);
  let selections = 0;
  while (stack.length > 0) {
    const [set, depth] = stack.pop()!;
    if (depth > limits.maxDepth) return `the query is deeper than ${limits.maxDepth} levels`;
    for (const s of set.selections) {
      if (++selections > limits.maxSelections)
        return `the query has more than ${limits.maxSelections} selections`;
      if (s.kind === Kind.FIELD) {
        if (s.selectionSet) stack.push([s.selectionSet, depth + 1]);
      } else if (s.kind === Kind.INLINE_FRAGMENT) {
        stack.push([s.selectionSet, depth]);
      } else {
        const f = fragments.get(s.name.value);
        if (f) stack.push([f.selectionSet, depth]);
      }
    }
  }
  return undefined;
}
