/**
 * Workflow diagrams: nodes and typed edges as the engine navigates them (task-defaults merged, joins and
 * with-items marked, engine commands as their own nodes, reverse `requires`), and the text renderers.
 */
import { expect } from 'chai';
import { parseDocument } from '../../../dsl/index.js';
import {
  diagramFromDefinition,
  diagramOf,
  layoutDiagram,
  toDot,
  toMermaid,
  toSvg,
} from '../../../diagram/index.js';

const WB = `
version: '2.0'
name: shop
workflows:
  order:
    task-defaults:
      on-error:
        - cleanup
    tasks:
      check:
        action: std.noop
        on-success:
          - reserve: <% $.ok %>
          - price
          - fail: <% not $.ok %>
      reserve:
        with-items: i in <% $.items %>
        action: std.echo output=<% $.i %>
        on-success: pay
      price:
        workflow: pricing
        on-complete: pay
      pay:
        join: all
        action: std.noop
      cleanup:
        action: std.noop
        on-skip: pay
  build:
    type: reverse
    tasks:
      compile:
        action: std.noop
      package:
        action: std.noop
        requires: [compile]
`;

describe('workflow diagrams', () => {
  const doc = parseDocument(WB, 'shop.yaml');
  const order = diagramOf(doc.workflows['shop.order']!);

  it('draws every task once, marking start tasks, joins, with-items and sub-workflows', () => {
    const tasks = order.nodes.filter((n) => n.type === 'task');
    expect(tasks.map((n) => n.id)).to.deep.equal(['check', 'reserve', 'price', 'pay', 'cleanup']);
    const by = Object.fromEntries(order.nodes.map((n) => [n.id, n]));
    expect(by.check!.start).to.equal(true);
    expect(by.pay!.join).to.equal('all');
    expect(by.reserve!.withItems).to.equal(true);
    expect(by.price!.runs).to.deep.equal({ kind: 'workflow', target: 'pricing' });
    expect(by.check!.line).to.equal(10);
  });

  it('gives each transition its kind and guard, with task-defaults merged as the engine merges them', () => {
    const edges = order.edges.map((e) => `${e.from} ${e.kind} ${e.to}${e.guard ? ` if ${e.guard}` : ''}`);
    expect(edges).to.include.members([
      'check on-success reserve if <% $.ok %>',
      'check on-success price',
      'check on-success check/fail if <% not $.ok %>',
      'reserve on-success pay',
      'price on-complete pay',
      'cleanup on-skip pay',
      // task-defaults' on-error reaches every task but cleanup itself.
      'check on-error cleanup',
      'pay on-error cleanup',
    ]);
    expect(edges).not.to.include('cleanup on-error cleanup');
    expect(order.nodes.find((n) => n.id === 'check/fail')).to.include({ type: 'command', label: 'fail' });
  });

  it('draws requires from the required task to the one that needs it (reverse workflows)', () => {
    const build = diagramOf(doc.workflows['shop.build']!);
    expect(build.type).to.equal('reverse');
    expect(build.edges).to.deep.equal([{ from: 'compile', to: 'package', kind: 'requires' }]);
  });

  it('reads a definition as Mistral returns it (the workflow section alone, no version)', () => {
    const d = diagramFromDefinition('build:\n  tasks:\n    a:\n      action: std.noop\n', 'wb.build');
    expect(d.nodes.map((n) => n.id)).to.deep.equal(['a']);
  });

  it('renders Mermaid, DOT and SVG with one node per task and one edge per transition', () => {
    const mermaid = toMermaid(order);
    expect(mermaid.split('\n').filter((l) => l.includes('-->') || l.includes('-.->'))).to.have.length(
      order.edges.length,
    );
    expect(mermaid).to.contain('#lt;% $.ok %#gt;');
    expect(mermaid).to.contain('pay [join: all]');
    const dot = toDot(order);
    expect(dot.match(/" -> "/g)).to.have.length(order.edges.length);
    expect(dot).to.contain('style=dashed');
    const svg = toSvg(order);
    expect(svg.match(/<g class="node /g)).to.have.length(order.nodes.length);
    expect(svg.match(/<path class="edge /g)).to.have.length(order.edges.length);
  });

  it('lays every node out without overlaps', () => {
    const l = layoutDiagram(order);
    for (const a of l.nodes)
      for (const b of l.nodes) {
        if (a === b) continue;
        const apart =
          Math.abs(a.x - b.x) * 2 >= a.width + b.width || Math.abs(a.y - b.y) * 2 >= a.height + b.height;
        expect(apart, `${a.node.id} / ${b.node.id}`).to.equal(true);
      }
  });
});
