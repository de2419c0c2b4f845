/**
 * `/console/cron-triggers` and `/console/environments`: read, create, change and delete. Cron triggers cannot
 * be changed in place in Mistral's API: a change is a delete and a create, which the page does, confirmed.
 */
import { useState } from 'preact/hooks';
import { api, get, parsed, type Json } from '../api.js';
import { Json as JsonView, Problem, useAction, useLoad } from '../use.js';

/** A JSON document to edit, and the button that saves it. */
function Editor(props: {
  title: string;
  draft: string;
  setDraft: (d: string) => void;
  save: () => Promise<void>;
}) {
  return (
    <>
      <h2>{props.title}</h2>
      <textarea
        class="editor"
        value={props.draft}
        onInput={(e) => props.setDraft((e.target as HTMLTextAreaElement).value)}
      />
      <p>
        <button onClick={() => void props.save()}>save</button>
      </p>
    </>
  );
}

const CRON_EXAMPLE = { name: '', workflow_name: '', pattern: '*/5 * * * *', workflow_input: {} };

export function CronTriggers() {
  const { data, error, reload } = useLoad(() => get<{ cron_triggers: Json[] }>('/v2/cron_triggers'), []);
  const { message, run } = useAction(reload);
  const [draft, setDraft] = useState(JSON.stringify(CRON_EXAMPLE, null, 2));
  return (
    <section>
      <h1>Cron triggers</h1>
      <Problem error={error} />
      {message && <p class="message">{message}</p>}
      <table class="list">
        <thead>
          <tr>
            <th>name</th>
            <th>workflow</th>
            <th>pattern</th>
            <th>next run (UTC)</th>
            <th>remaining</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {data?.cron_triggers.map((c) => (
            <tr key={String(c.id)} data-cron={String(c.name)}>
              <td>{String(c.name)}</td>
              <td>{String(c.workflow_name)}</td>
              <td>{String(c.pattern ?? '')}</td>
              <td>{String(c.next_execution_time ?? '')}</td>
              <td>{String(c.remaining_executions ?? '∞')}</td>
              <td>
                <button
                  onClick={() =>
                    setDraft(
                      JSON.stringify(
                        {
                          name: c.name,
                          workflow_name: c.workflow_name,
                          pattern: c.pattern,
                          workflow_input: parsed(c.workflow_input) ?? {},
                          workflow_params: parsed(c.workflow_params) ?? {},
                        },
                        null,
                        2,
                      ),
                    )
                  }
                >
                  edit
                </button>{' '}
                <button
                  onClick={() =>
                    void run(`delete cron trigger ${String(c.name)}`, () =>
                      api('DELETE', `/v2/cron_triggers/${String(c.name)}`),
                    )
                  }
                >
                  delete
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <Editor
        title="Create or replace"
        draft={draft}
        setDraft={setDraft}
        save={() =>
          run('save the cron trigger', async () => {
            const body = JSON.parse(draft) as Json;
            if (data?.cron_triggers.some((c) => c.name === body.name))
              await api('DELETE', `/v2/cron_triggers/${String(body.name)}`);
            await api('POST', '/v2/cron_triggers', body);
          })
        }
      />
    </section>
  );
}

const ENV_EXAMPLE = { name: '', description: '', variables: {} };

export function Environments() {
  const { data, error, reload } = useLoad(() => get<{ environments: Json[] }>('/v2/environments'), []);
  const { message, run } = useAction(reload);
  const [draft, setDraft] = useState(JSON.stringify(ENV_EXAMPLE, null, 2));
  return (
    <section>
      <h1>Environments</h1>
      <Problem error={error} />
      {message && <p class="message">{message}</p>}
      {data?.environments.map((e) => (
        <div key={String(e.id)} class="environment" data-environment={String(e.name)}>
          <h2>
            {String(e.name)} <small>{String(e.description ?? '')}</small>{' '}
            <button
              onClick={() =>
                setDraft(
                  JSON.stringify(
                    { name: e.name, description: e.description ?? '', variables: parsed(e.variables) ?? {} },
                    null,
                    2,
                  ),
                )
              }
            >
              edit
            </button>{' '}
            <button
              onClick={() =>
                void run(`delete environment ${String(e.name)}`, () =>
                  api('DELETE', `/v2/environments/${String(e.name)}`),
                )
              }
            >
              delete
            </button>
          </h2>
          <JsonView value={parsed(e.variables)} />
        </div>
      ))}
      <Editor
        title="Create or change"
        draft={draft}
        setDraft={setDraft}
        save={() =>
          run('save the environment', async () => {
            const body = JSON.parse(draft) as Json;
            const exists = data?.environments.some((x) => x.name === body.name);
            await api(exists ? 'PUT' : 'POST', '/v2/environments', body);
          })
        }
      />
    </section>
  );
}
