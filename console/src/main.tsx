/**
 * The console's shell: navigation, the token prompt (shown when the API answers 401), and the pages by URL:
 * /workflows, /workflows/NAME, /executions, /executions/ID, /listeners, /events/ID, /cron-triggers,
 * /environments (all under /console).
 */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { token, whenAuthRequired } from './api.js';
import { ExecutionPage } from './pages/execution.js';
import { ExecutionList } from './pages/executions.js';
import { EventPage, ListenerList } from './pages/listeners.js';
import { CronTriggers, Environments } from './pages/settings.js';
import { WorkflowList, WorkflowPage } from './pages/workflows.js';
import { linkProps, useLocation } from './router.js';

const NAV = [
  ['/workflows', 'Workflows'],
  ['/executions', 'Executions'],
  ['/listeners', 'Listeners'],
  ['/cron-triggers', 'Cron triggers'],
  ['/environments', 'Environments'],
] as const;

function Page(props: { path: string; query: URLSearchParams }) {
  const [, section, arg] = props.path.split('/').map(decodeURIComponent);
  if (section === 'workflows') return arg ? <WorkflowPage name={arg} /> : <WorkflowList />;
  if (section === 'executions')
    return arg ? <ExecutionPage id={arg} /> : <ExecutionList query={props.query} />;
  if (section === 'listeners') return <ListenerList />;
  if (section === 'events' && arg) return <EventPage id={arg} />;
  if (section === 'cron-triggers') return <CronTriggers />;
  if (section === 'environments') return <Environments />;
  return <ExecutionList query={props.query} />;
}

function TokenPrompt(props: { onDone: () => void }) {
  const [value, setValue] = useState('');
  return (
    <form
      class="token"
      onSubmit={(e) => {
        e.preventDefault();
        token.set(value);
        props.onDone();
      }}
    >
      <p>This server wants an API token (X-Auth-Token).</p>
      <input
        type="password"
        name="token"
        placeholder="token"
        value={value}
        onInput={(e) => setValue((e.target as HTMLInputElement).value)}
      />
      <button type="submit">sign in</button>
    </form>
  );
}

function App() {
  const { path, query } = useLocation();
  const [needToken, setNeedToken] = useState(false);
  const [generation, setGeneration] = useState(0);
  useEffect(() => whenAuthRequired(() => setNeedToken(true)), []);
  return (
    <>
      <header>
        <a class="brand" {...linkProps('/executions')}>
          Tramontane
        </a>
        <nav>
          {NAV.map(([href, label]) => (
            <a key={href} {...linkProps(href)} class={path.startsWith(href) ? 'active' : undefined}>
              {label}
            </a>
          ))}
        </nav>
      </header>
      <main>
        {needToken ? (
          <TokenPrompt
            onDone={() => {
              setNeedToken(false);
              setGeneration((g) => g + 1);
            }}
          />
        ) : (
          <Page key={`${generation}:${path}`} path={path} query={query} />
        )}
      </main>
    </>
  );
}

render(<App />, document.getElementById('app')!);
