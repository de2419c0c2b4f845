/** Data loading for pages: the value, the error, and a reload function. */
import { useCallback, useEffect, useState } from 'preact/hooks';

export function useLoad<T>(
  load: () => Promise<T>,
  deps: unknown[],
): {
  data: T | null;
  error: string | null;
  reload: () => void;
} {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [n, setN] = useState(0);
  useEffect(() => {
    let live = true;
    load().then(
      (d) => live && (setData(d), setError(null)),
      (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      live = false;
    };
  }, [...deps, n]);
  return { data, error, reload: useCallback(() => setN((x) => x + 1), []) };
}

export function Problem(props: { error: string | null }) {
  return props.error ? <p class="error">{props.error}</p> : null;
}

/** A confirmation before an operator action; resolves false when the user cancels. */
export function confirmed(what: string): boolean {
  return window.confirm(what);
}

export function Json(props: { value: unknown }) {
  return <pre class="json">{JSON.stringify(props.value, null, 2)}</pre>;
}

/** An operator's action: confirmed first, its outcome shown as a message, the page's data read again after. */
export function useAction(reload: () => void): {
  message: string | null;
  run: (what: string, f: () => Promise<unknown>) => Promise<void>;
} {
  const [message, setMessage] = useState<string | null>(null);
  const run = async (what: string, f: () => Promise<unknown>) => {
    if (!confirmed(what)) return;
    try {
      const r = await f();
      setMessage(`${what}: ${r === undefined || r === null ? 'done' : JSON.stringify(r)}`);
      reload();
    } catch (e) {
      setMessage(`${what}: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  return { message, run };
}
