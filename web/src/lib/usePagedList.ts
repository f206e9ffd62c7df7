// A server-paged list that is polled while any shown item is active (the
// pipeline runs and tuning experiments pages): the first page is polled,
// "Load more" appends later pages, and a later page's item that the first
// page now also holds is shown once. A change of `deps` (a server-side
// filter) starts over.
import { useEffect, useMemo, useState } from 'react';
import { usePolling, type AsyncState } from './hooks';

export interface Page<T> {
  items: T[];
  next?: string; // the next page's token; none on the last page
}

export interface PagedList<T> {
  first: AsyncState<Page<T>>;
  loaded: T[];
  token: string | undefined; // the next page to load, if any
  moreError: Error | undefined;
  loadMore: () => Promise<void>;
}

export function usePagedList<T>(
  load: (pageToken: string | undefined, signal?: AbortSignal) => Promise<Page<T>>,
  deps: unknown[],
  id: (item: T) => string,
  active: (item: T) => boolean,
  pollMs: number,
): PagedList<T> {
  const [extra, setExtra] = useState<{ items: T[]; token?: string }>({ items: [] });
  useEffect(() => setExtra({ items: [] }), deps);
  const first = usePolling((signal) => load(undefined, signal), deps, (page) => page.items.some(active), pollMs);
  const [moreError, setMoreError] = useState<Error>();
  // '' once the last page was loaded: no more, whatever the first page says.
  const token = extra.token ?? first.data?.next;
  const loaded = useMemo(() => {
    const firstItems = first.data?.items ?? [];
    const ids = new Set(firstItems.map(id));
    return [...firstItems, ...extra.items.filter((item) => !ids.has(id(item)))];
  }, [first.data, extra.items]);
  const loadMore = async () => {
    try {
      const page = await load(token);
      setExtra((e) => ({ items: [...e.items, ...page.items], token: page.next ?? '' }));
    } catch (e) {
      setMoreError(e as Error);
    }
  };
  return { first, loaded, token, moreError, loadMore };
}
