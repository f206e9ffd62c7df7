import { useCallback, useEffect, useRef, useState } from 'react';
import { parseHash, type Route } from './urlState';

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseHash(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

export interface AsyncState<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  reload: () => void;
}

// Runs `load` whenever `deps` change; aborts the previous call. Results of
// stale calls are dropped.
export function useAsync<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[]): AsyncState<T> {
  const [state, setState] = useState<{ data?: T; error?: Error; loading: boolean }>({ loading: true });
  const [generation, setGeneration] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    const controller = new AbortController();
    setState((s) => ({ data: s.data, loading: true }));
    loadRef.current(controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setState({ data, loading: false });
      },
      (error: Error) => {
        if (!controller.signal.aborted && error.name !== 'AbortError') setState({ error, loading: false });
      },
    );
    return () => controller.abort();
  }, [...deps, generation]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

// Mounts children only once the element has been near the viewport, so a
// page with many charts only draws the visible ones (MLflow #9779).
export function useNearViewport<E extends Element>(margin = '200px'): [React.RefObject<E | null>, boolean] {
  const ref = useRef<E | null>(null);
  const [seen, setSeen] = useState(false);
  useEffect(() => {
    if (seen || !ref.current) return;
    if (typeof IntersectionObserver === 'undefined') {
      setSeen(true);
      return;
    }
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) setSeen(true);
      },
      { rootMargin: margin },
    );
    observer.observe(ref.current);
    return () => observer.disconnect();
  }, [seen, margin]);
  return [ref, seen];
}

export function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

// Like useAsync, then loads again every `intervalMs` for as long as
// `again(data)` holds (a pipeline run that is still active). A failed poll
// keeps the last data and reports the error; the next poll clears it.
export function usePolling<T>(
  load: (signal: AbortSignal) => Promise<T>,
  deps: unknown[],
  again: (data: T) => boolean,
  intervalMs: number,
): AsyncState<T> {
  const [state, setState] = useState<{ data?: T; error?: Error; loading: boolean }>({ loading: true });
  const [generation, setGeneration] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const againRef = useRef(again);
  againRef.current = again;
  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let last: { data: T } | undefined;
    const tick = () => {
      setState((s) => ({ ...s, loading: true }));
      loadRef.current(controller.signal).then(
        (data) => {
          if (controller.signal.aborted) return;
          last = { data };
          setState({ data, loading: false });
          if (againRef.current(data)) timer = setTimeout(tick, intervalMs);
        },
        (error: Error) => {
          if (controller.signal.aborted || error.name === 'AbortError') return;
          setState((s) => ({ ...s, error, loading: false }));
          // Keep trying while the run was active when last seen.
          if (last && againRef.current(last.data)) timer = setTimeout(tick, intervalMs);
        },
      );
    };
    // Like useAsync, the last data stays on screen until the new answer.
    tick();
    return () => {
      controller.abort();
      if (timer) clearTimeout(timer);
    };
  }, [...deps, generation, intervalMs]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

// A search box bound to a URL parameter: typing shows at once and reaches
// the URL (`commit`) after `ms`; when the URL changes from elsewhere (a link,
// Back) the box takes its value, and the debounced text, stale for `ms`,
// never writes the old value back.
export function useSearchBox(urlValue: string, commit: (value: string) => void, ms = 250): [string, (value: string) => void] {
  const [text, setText] = useState(urlValue);
  const debounced = useDebounced(text, ms);
  const typed = useRef(false);
  const commitRef = useRef(commit);
  commitRef.current = commit;
  // Effects run in order: the URL's value is taken first.
  useEffect(() => {
    typed.current = false;
    setText(urlValue);
  }, [urlValue]);
  useEffect(() => {
    if (typed.current && debounced !== urlValue) commitRef.current(debounced);
  }, [debounced, urlValue]);
  const onType = useCallback((value: string) => {
    typed.current = true;
    setText(value);
  }, []);
  return [text, onType];
}
