/**
 * Anchors, aliases and `<<` merges checked before the YAML becomes data, so that a hostile or broken document is
 * a positioned error instead of an exception, a circular value or a memory blow-up:
 * - an alias of an anchor that is not defined before it (`*nope`);
 * - an alias inside the node it refers to (`a: &a [1, *a]`, a mapping merging itself): the data would be infinite;
 * - aliases that expand to more than `MAX_EXPANDED_NODES` values (the "billion laughs"): each alias counts the
 *   whole size of what it refers to, computed once per node, so the check costs the size of the text. The data
 *   itself would share the aliased values, but everything that serialises it (the store, the API) would not;
 * - a `<<` whose value is not a mapping, an alias of one, or a list of those.
 */
import type { Document, Node } from 'yaml';
import { isAlias, isCollection, isMap, isPair, isScalar, isSeq } from 'yaml';

/** Values a document may expand to through aliases; far beyond any real workbook (the largest have ~10^4). */
export const MAX_EXPANDED_NODES = 200_000;

export interface AliasProblem {
  offset: number;
  message: string;
}

/** `<<` as a merge key (the parser gives it a symbol value when merges are enabled). */
function isMergeKey(key: unknown): boolean {
  return isScalar(key) && (key.value === '<<' || typeof key.value === 'symbol');
}

export function checkAliases(doc: Document.Parsed): AliasProblem[] {
  const problems: AliasProblem[] = [];
  const sizes = new Map<Node, number>();
  const at = (node: Node): number => node.range?.[0] ?? 0;
  let reportedBomb = false;

  /** The number of values `node` stands for once aliases are expanded (capped). */
  const size = (node: unknown, ancestors: Set<Node>): number => {
    if (isAlias(node)) {
      const target = node.resolve(doc);
      if (!target) {
        problems.push({
          offset: at(node),
          message: `alias '*${node.source}' refers to no anchor defined before it`,
        });
        return 1;
      }
      if (ancestors.has(target)) {
        problems.push({
          offset: at(node),
          message: `alias '*${node.source}' is inside the node it refers to: the value would never end`,
        });
        return 1;
      }
      const n = size(target, ancestors);
      if (n >= MAX_EXPANDED_NODES && !reportedBomb) {
        reportedBomb = true;
        problems.push({
          offset: at(node),
          message: `aliases expand to more than ${MAX_EXPANDED_NODES} values (refused, as a YAML alias bomb)`,
        });
      }
      return n;
    }
    if (!isCollection(node)) return 1;
    const known = sizes.get(node);
    if (known !== undefined) return known;
    ancestors.add(node);
    let total = 1;
    for (const item of node.items) {
      if (isPair(item)) {
        total += size(item.key, ancestors) + size(item.value, ancestors);
        if (isMergeKey(item.key) && isMap(node)) checkMerge(item.value);
      } else {
        total += size(item, ancestors);
      }
    }
    ancestors.delete(node);
    const capped = Math.min(total, MAX_EXPANDED_NODES);
    sizes.set(node, capped);
    return capped;
  };

  const mergeable = (v: unknown): boolean => isMap(isAlias(v) ? v.resolve(doc) : v);
  const checkMerge = (value: unknown): void => {
    const sources = isSeq(value) ? value.items : [value];
    for (const s of sources) {
      if (mergeable(s) || (isAlias(s) && !s.resolve(doc))) continue;
      const node = s as Node | null;
      problems.push({
        offset: node ? at(node) : 0,
        message: "'<<' merges only mappings, aliases of mappings, or a list of them",
      });
    }
  };

  size(doc.contents, new Set());
  return problems;
}
