/** Client-side routing on stable URLs under `/console/`: links push history, the app re-renders on change. */
import { useEffect, useState } from 'preact/hooks';

export const BASE = '/console';

export function navigate(path: string): void {
  history.pushState(null, '', `${BASE}${path}`);
  dispatchEvent(new PopStateEvent('popstate'));
}

/** The path below `/console` and the query, re-read on navigation. */
export function useLocation(): { path: string; query: URLSearchParams } {
  const read = () => ({
    path: location.pathname.slice(BASE.length).replace(/\/$/, '') || '/',
    query: new URLSearchParams(location.search),
  });
  const [loc, setLoc] = useState(read);
  useEffect(() => {
    const on = () => setLoc(read());
    addEventListener('popstate', on);
    return () => removeEventListener('popstate', on);
  }, []);
  return loc;
}

/** An in-app link: a real href (open in a new tab works), navigation without reload on a plain click. */
export function linkProps(path: string): { href: string; onClick: (e: MouseEvent) => void } {
  return {
    href: `${BASE}${path}`,
    onClick: (e: MouseEvent) => {
      if (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
      e.preventDefault();
      navigate(path);
    },
  };
}
