/**
 * The benchmark workloads, as workbooks generated in code, with the figures real Mistral 15 reached on the same
 * 2-core machine (PostgreSQL + RabbitMQ), as reference points for the ratios.
 */

export interface Workload {
  name: string;
  /** Workflow definitions (YAML). */
  yaml: string;
  workflow: string;
  input: Record<string, unknown>;
  executions: number;
  /** Units of work the figure counts (task executions, or items for with-items). */
  units: number;
  unitName: string;
  /** Mistral 15's wall time for the same workload, when measured. */
  mistralSeconds?: number;
}

function chain(n: number): string {
  const tasks = Array.from({ length: n }, (_, i) => {
    const next = i + 1 < n ? `\n      on-success: t${i + 1}` : '';
    return `    t${i}:\n      action: std.noop${next}`;
  });
  return `version: '2.0'\nbench_chain:\n  tasks:\n${tasks.join('\n')}\n`;
}

function withItems(): string {
  return `version: '2.0'
bench_with_items:
  input:
    - n
  tasks:
    fan:
      with-items: i in <% range(0, $.n) %>
      action: std.echo output=<% $.i %>
      publish:
        count: <% len(task().result) %>
  output:
    count: <% $.count %>
`;
}

function twoTasks(): string {
  return `version: '2.0'
bench_two:
  tasks:
    first:
      action: std.echo output=1
      on-success: second
    second:
      action: std.echo output=2
`;
}

function join(n: number): string {
  const names = Array.from({ length: n }, (_, i) => `b${i}`);
  const branches = names.map((b) => `    ${b}:\n      action: std.noop\n      on-success: merge`);
  return `version: '2.0'
bench_join:
  tasks:
    fork:
      action: std.noop
      on-success: [${names.join(', ')}]
${branches.join('\n')}
    merge:
      join: all
      action: std.noop
`;
}

export function workloads(): Workload[] {
  return [
    {
      name: 'chain of 50 std.noop x5',
      yaml: chain(50),
      workflow: 'bench_chain',
      input: {},
      executions: 5,
      units: 250,
      unitName: 'tasks',
      mistralSeconds: 7,
    },
    {
      name: 'chain of 500 std.noop x1',
      yaml: chain(500).replace('bench_chain:', 'bench_chain_500:'),
      workflow: 'bench_chain_500',
      input: {},
      executions: 1,
      units: 500,
      unitName: 'tasks',
    },
    {
      name: 'with-items 1,000 std.echo',
      yaml: withItems(),
      workflow: 'bench_with_items',
      input: { n: 1000 },
      executions: 1,
      units: 1000,
      unitName: 'items',
      mistralSeconds: 71,
    },
    {
      name: 'with-items 10,000 std.echo',
      yaml: withItems(),
      workflow: 'bench_with_items',
      input: { n: 10000 },
      executions: 1,
      units: 10000,
      unitName: 'items',
    },
    {
      name: '100 concurrent 2-task executions',
      yaml: twoTasks(),
      workflow: 'bench_two',
      input: {},
      executions: 100,
      units: 200,
      unitName: 'tasks',
      mistralSeconds: 10,
    },
    {
      name: 'join of 100 parallel branches',
      yaml: join(100),
      workflow: 'bench_join',
      input: {},
      executions: 1,
      units: 102,
      unitName: 'tasks',
    },
  ];
}
