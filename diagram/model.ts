/**
 * A workflow as a diagram: its tasks as nodes and its transitions as typed edges, with what a reader needs to
 * see at a glance (start tasks, joins, with-items, sub-workflows, engine commands such as `fail`). Built from the
 * engine's own compiled graph, so task-defaults are merged exactly as they are when the workflow runs.
 *
 * This is plain data (JSON): the CLI renders it as Mermaid, DOT or SVG, and the console draws it.
 */
import type { WorkflowSpec } from '../dsl/index.js';
import { graphOf } from '../engine/index.js';

export type EdgeKind = 'on-success' | 'on-error' | 'on-complete' | 'on-skip' | 'requires';

export interface DiagramNode {
  id: string;
  /** `task`, or an engine command a transition leads to (`fail`, `succeed`, `pause`). */
  type: 'task' | 'command';
  label: string;
  /** What a task runs: `action` or `workflow`, and which one. */
  runs?: { kind: 'action' | 'workflow'; target: string };
  /** Direct workflows: a task no transition leads to. */
  start: boolean;
  /** `all`, or how many inbound branches the join waits for. */
  join?: 'all' | number;
  withItems: boolean;
  /** Line of the task in its definition (1-based), to highlight it beside the YAML. */
  line?: number;
}

export interface DiagramEdge {
  from: string;
  to: string;
  kind: EdgeKind;
  /** The transition's condition, when it has one (`<% $.ok %>`). */
  guard?: string;
}

export interface Diagram {
  workflow: string;
  type: 'direct' | 'reverse';
  nodes: DiagramNode[];
  edges: DiagramEdge[];
}

const CLAUSES = [
  ['onSuccess', 'on-success'],
  ['onError', 'on-error'],
  ['onComplete', 'on-complete'],
  ['onSkip', 'on-skip'],
] as const;

/** The id of a command node: one per command and task, so that each `fail` stays beside its task. */
export const commandId = (task: string, command: string) => `${task}/${command}`;

export function diagramOf(spec: WorkflowSpec): Diagram {
  const graph = graphOf(spec);
  const nodes: DiagramNode[] = [];
  const edges: DiagramEdge[] = [];
  const start = new Set(graph.startTasks);
  for (const task of graph.tasks.values()) {
    nodes.push({
      id: task.name,
      type: 'task',
      label: task.name,
      runs: { kind: task.kind, target: task.target },
      start: start.has(task.name),
      ...(task.join !== undefined ? { join: task.join } : {}),
      withItems: (task.withItems?.length ?? 0) > 0,
      line: task.pos.line,
    });
  }
  for (const task of graph.tasks.values()) {
    for (const [field, kind] of CLAUSES) {
      for (const tr of task[field]?.next ?? []) {
        const guard = tr.guard ? { guard: tr.guard } : {};
        if (tr.kind === 'task') {
          edges.push({ from: task.name, to: tr.task, kind, ...guard });
        } else if (tr.command !== 'noop') {
          const id = commandId(task.name, tr.command);
          if (!nodes.some((n) => n.id === id))
            nodes.push({ id, type: 'command', label: tr.command, start: false, withItems: false });
          edges.push({ from: task.name, to: id, kind, ...guard });
        }
      }
    }
    // Reverse workflows: a required task runs first, so the edge goes from it to the task that needs it.
    for (const required of task.requires) edges.push({ from: required, to: task.name, kind: 'requires' });
  }
  return { workflow: spec.name, type: spec.type, nodes, edges };
}
