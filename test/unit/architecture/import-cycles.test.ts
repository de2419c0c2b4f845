/**
 * The layout is the architecture: top-level folders (areas) depend on each other in one direction only. This
 * test reads every TypeScript import of the source tree with the compiler's own pre-processor (so `import type`,
 * `export ... from` and dynamic `import()` all count), folds them into a graph of areas, and fails on any cycle,
 * naming the files behind each edge of it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import ts from 'typescript';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
/** Not areas of the product: tests and tooling may import anything. */
const NOT_AREAS = new Set(['node_modules', 'dist', 'test', 'scripts', 'docs', 'workbooks', 'examples']);

type AreaGraph = Map<string, Map<string, string[]>>;

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) sourceFiles(full, out);
    else if (/\.(ts|mts)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

function areaOf(root: string, file: string): string {
  return path.relative(root, file).split(path.sep)[0] ?? '';
}

/** Area → imported area → the files that import it. */
function areaGraph(root: string): AreaGraph {
  const graph: AreaGraph = new Map();
  const areas = fs
    .readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.') && !NOT_AREAS.has(e.name))
    .map((e) => e.name);
  for (const area of areas) {
    for (const file of sourceFiles(path.join(root, area))) {
      const info = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
      for (const ref of info.importedFiles) {
        if (!ref.fileName.startsWith('.')) continue;
        const target = areaOf(root, path.resolve(path.dirname(file), ref.fileName));
        if (target === area) continue;
        const edges = graph.get(area) ?? new Map<string, string[]>();
        graph.set(area, edges);
        edges.set(target, [...(edges.get(target) ?? []), path.relative(root, file)]);
      }
    }
  }
  return graph;
}

/** Every elementary cycle found by a depth-first walk, each as its list of areas (first repeated last). */
function findCycles(graph: AreaGraph): string[][] {
  const cycles: string[][] = [];
  const seen = new Set<string>();
  const walk = (node: string, stack: string[]): void => {
    const at = stack.indexOf(node);
    if (at >= 0) {
      const cycle = [...stack.slice(at), node];
      const key = [...cycle.slice(0, -1)].sort().join(',');
      if (!seen.has(key)) {
        seen.add(key);
        cycles.push(cycle);
      }
      return;
    }
    for (const next of graph.get(node)?.keys() ?? []) walk(next, [...stack, node]);
  };
  for (const area of graph.keys()) walk(area, []);
  return cycles;
}

describe('architecture: imports between top-level folders', () => {
  it('has no cycle, type-only imports included', () => {
    const graph = areaGraph(ROOT);
    const report = findCycles(graph).map((cycle) =>
      cycle
        .slice(0, -1)
        .map((from, i) => {
          const to = cycle[i + 1] ?? '';
          const files = graph.get(from)?.get(to) ?? [];
          return `  ${from} -> ${to} (${[...new Set(files)].slice(0, 3).join(', ')})`;
        })
        .join('\n'),
    );
    expect(report, `import cycles between areas:\n${report.join('\n\n')}`).to.deep.equal([]);
  });

  it('counts type-only imports and re-exports when it looks for a cycle', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tram-cycles-'));
    try {
      fs.mkdirSync(path.join(dir, 'store'));
      fs.mkdirSync(path.join(dir, 'engine'));
      fs.writeFileSync(path.join(dir, 'store/types.ts'), "import type { A } from '../engine/types.js';\n");
      fs.writeFileSync(path.join(dir, 'engine/types.ts'), "export type * from '../store/types.js';\n");
      expect(findCycles(areaGraph(dir))).to.deep.equal([['engine', 'store', 'engine']]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
