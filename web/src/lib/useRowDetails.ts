// Per-row details a list call does not carry (a pipeline run's task counts,
// an experiment's trial counts): one call per shown row, four at a time, and
// again only for a row whose `stamp` changed since (give an active row a
// stamp that always changes). A failed call leaves the row without details.
import { useEffect, useRef, useState } from 'react';
import { pool } from './pool';

export function useRowDetails<T, D>(
  rows: T[],
  id: (row: T) => string,
  stamp: (row: T) => string,
  fetch: (row: T, signal: AbortSignal) => Promise<D>,
): Map<string, D> {
  const [details, setDetails] = useState(new Map<string, D>());
  const seen = useRef(new Map<string, string>()); // row id -> stamp fetched
  // The callbacks are read at fetch time: only a new `rows` fetches again.
  const fns = useRef({ id, stamp, fetch });
  fns.current = { id, stamp, fetch };
  useEffect(() => {
    const controller = new AbortController();
    const { id, stamp, fetch } = fns.current;
    const todo = rows.map((r) => ({ row: r, key: id(r), stamp: stamp(r) })).filter((r) => seen.current.get(r.key) !== r.stamp);
    void pool(todo, 4, async ({ row, key, stamp: s }) => {
      try {
        const d = await fetch(row, controller.signal);
        if (controller.signal.aborted) return;
        seen.current.set(key, s);
        setDetails((m) => new Map(m).set(key, d));
      } catch {
        // The row shows no details; its own page has them.
      }
    });
    return () => controller.abort();
  }, [rows]);
  return details;
}
