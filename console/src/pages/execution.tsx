/**
 * `/console/executions/ID`: the workflow's graph with each task coloured by its state, updated live from the
 * stream without a reload; a timeline of the task executions; the selected task's details (state_info, result,
 * published values, retries, its action executions with their input, sub-workflow executions as links); and the
 * operator's actions, each confirmed first: pause, resume, cancel, re-run a failed task, complete an async action.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, get, parsed, type Json } from '../api.js';
import { Graph } from '../graph.js';
import { subscribe } from '../live.js';
import { linkProps } from '../router.js';
import { Json as JsonView, Problem, useAction, useLoad } from '../use.js';
import { Timeline } from './timeline.js';
import { Legend, graphOf } from './workflows.js';

interface Loaded {
  execution: Json;
  tasks: Json[];
}

async function load(id: string): Promise<Loaded> {
  const [execution, tasks] = await Promise.all([
    get(`/v2/executions/${id}`),
    get<{ tasks: Json[] }>(`/v2/executions/${id}/tasks?limit=10000`),
  ]);
  return { execution, tasks: tasks.tasks };
}

export function ExecutionPage(props: { id: string }) {
  const { id } = props;
  const { data, error, reload } = useLoad(() => load(id), [id]);
  const { message, run: act } = useAction(reload);
  const workflow = data ? String(data.execution.workflow_name) : null;
  const graph = useLoad(() => (workflow ? graphOf(workflow) : Promise.resolve(null)), [workflow]);
  // Live state, by task execution id and for the execution itself.
  const [live, setLive] = useState<{ tasks: Record<string, string>; execution: string | null }>({
    tasks: {},
    execution: null,
  });
  const [selected, setSelected] = useState<string | null>(null);
  const known = useMemo(() => new Set(data?.tasks.map((t) => String(t.id))), [data]);
  useEffect(
    () =>
      subscribe({ execution_id: id }, (c) => {
        if (c.execution_id !== id) return;
        if (c.entity === 'execution') setLive((l) => ({ ...l, execution: c.state }));
        else setLive((l) => ({ ...l, tasks: { ...l.tasks, [c.id]: c.state } }));
        // A task this page has not read yet, or a final state: read the details again.
        if (c.entity === 'task' && (!known.has(c.id) || c.state !== 'RUNNING')) reload();
        if (c.entity === 'execution') reload();
      }),
    [id, known, reload],
  );
  if (!data) return <Problem error={error ?? null} />;
  const tasks: Json[] = data.tasks.map((t) => ({ ...t, state: live.tasks[String(t.id)] ?? t.state }));
  // A task's colour is the state of its latest execution (a loop runs a task more than once).
  const byName: Record<string, string> = {};
  for (const t of [...tasks].sort((a, b) => String(a.created_at).localeCompare(String(b.created_at))))
    byName[String(t.name)] = String(t.state);
  const state = live.execution ?? String(data.execution.state);
  const setState = (s: string) => () => api('PUT', `/v2/executions/${id}`, { state: s });
  const chosen = tasks.filter((t) => t.name === selected);
  return (
    <section>
      <h1>
        Execution <code>{id}</code>{' '}
        <span class={`state ${state}`} data-execution-state={state}>
          {state}
        </span>
      </h1>
      <p>
        workflow{' '}
        <a {...linkProps(`/workflows/${encodeURIComponent(String(workflow))}`)}>
          <code>{workflow}</code>
        </a>
        {data.execution.task_execution_id ? (
          <>
            {' '}
            · parent{' '}
            <a {...linkProps(`/executions/${String(data.execution.root_execution_id)}`)}>root execution</a>
          </>
        ) : null}
        {data.execution.state_info ? <span class="info"> · {String(data.execution.state_info)}</span> : null}
      </p>
      <p class="actions">
        <button
          disabled={state !== 'RUNNING'}
          onClick={() => void act('pause the execution', setState('PAUSED'))}
        >
          pause
        </button>
        <button
          disabled={state !== 'PAUSED'}
          onClick={() => void act('resume the execution', setState('RUNNING'))}
        >
          resume
        </button>
        <button
          disabled={state !== 'RUNNING' && state !== 'PAUSED'}
          onClick={() => void act('cancel the execution', setState('CANCELLED'))}
        >
          cancel
        </button>
        {message && <span class="message">{message}</span>}
      </p>
      <Legend />
      <Problem error={graph.error} />
      <div class="split">
        <div class="pane">
          {graph.data && (
            <Graph diagram={graph.data} states={byName} selected={selected} onSelect={setSelected} />
          )}
        </div>
        <div class="pane">
          <h2>Timeline</h2>
          <Timeline tasks={tasks} onSelect={setSelected} selected={selected} />
        </div>
      </div>
      {chosen.map((t) => (
        <TaskDetails key={String(t.id)} task={t} act={act} />
      ))}
    </section>
  );
}

function TaskDetails(props: { task: Json; act: (what: string, f: () => Promise<unknown>) => Promise<void> }) {
  const { task, act } = props;
  const id = String(task.id);
  const actions = useLoad(
    () => get<{ action_executions: Json[] }>(`/v2/tasks/${id}/action_executions?limit=50`),
    [id, String(task.state)],
  );
  const children = useLoad(
    () =>
      task.type === 'WORKFLOW'
        ? get<{ executions: Json[] }>(`/v2/tasks/${id}/executions`)
        : Promise.resolve({ executions: [] as Json[] }),
    [id, String(task.state)],
  );
  const runtime = parsed(task.runtime_context) as { retry_task_policy?: { retry_no?: number } } | null;
  return (
    <div class="task-details" data-task={String(task.name)}>
      <h2>
        Task <code>{String(task.name)}</code>{' '}
        <span class={`state ${String(task.state)}`}>{String(task.state)}</span>
      </h2>
      <p class="actions">
        <button
          disabled={task.state !== 'ERROR'}
          onClick={() =>
            void act(`re-run task ${String(task.name)}`, () =>
              api('PUT', `/v2/tasks/${id}`, { state: 'RUNNING', reset: true }),
            )
          }
        >
          re-run
        </button>
      </p>
      {task.state_info ? <p class="info">state_info: {String(task.state_info)}</p> : null}
      <p>retries: {runtime?.retry_task_policy?.retry_no ?? 0}</p>
      <div class="split">
        <div class="pane">
          <h3>result</h3>
          <JsonView value={parsed(task.result)} />
        </div>
        <div class="pane">
          <h3>published</h3>
          <JsonView value={parsed(task.published)} />
        </div>
      </div>
      {children.data && children.data.executions.length > 0 && (
        <>
          <h3>sub-workflows</h3>
          <ul>
            {children.data.executions.map((x) => (
              <li key={String(x.id)}>
                <a {...linkProps(`/executions/${String(x.id)}`)}>{String(x.workflow_name)}</a>{' '}
                <span class={`state ${String(x.state)}`}>{String(x.state)}</span>
              </li>
            ))}
          </ul>
        </>
      )}
      <h3>action executions</h3>
      <Problem error={actions.error} />
      <table class="list">
        <tbody>
          {actions.data?.action_executions.map((a) => (
            <tr key={String(a.id)}>
              <td>{String(a.name)}</td>
              <td>
                <span class={`state ${String(a.state)}`}>{String(a.state)}</span>
              </td>
              <td>
                <JsonView value={parsed(a.input)} />
              </td>
              <td>
                <JsonView value={parsed(a.output)} />
              </td>
              <td>
                {a.state === 'RUNNING' && (
                  <button
                    onClick={() => {
                      const output = window.prompt('output (JSON)', '{}');
                      if (output === null) return;
                      void act(`complete action ${String(a.name)}`, () =>
                        api('PUT', `/v2/action_executions/${String(a.id)}`, { state: 'SUCCESS', output }),
                      );
                    }}
                  >
                    complete
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
