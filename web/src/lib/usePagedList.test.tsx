// @vitest-environment jsdom
import { act } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { render, type Rendered } from '../testing/render';
import { usePagedList, type Page, type PagedList } from './usePagedList';

interface Item {
  id: string;
  active?: boolean;
}

let list: PagedList<Item>;
function Harness({ load, filter }: { load: (token: string | undefined) => Promise<Page<Item>>; filter: string }) {
  list = usePagedList((token) => load(token), [filter], (i) => i.id, (i) => !!i.active, 1000);
  return null;
}

const flush = () => act(async () => {});
let r: Rendered | undefined;
afterEach(() => r?.unmount());

describe('usePagedList', () => {
  it('loads more pages, shows an item once, and starts over on a new filter', async () => {
    const pages: Record<string, Page<Item>> = {
      first: { items: [{ id: 'a' }, { id: 'b' }], next: 'p2' },
      p2: { items: [{ id: 'b' }, { id: 'c' }] }, // b moved down while paging
    };
    const load = vi.fn(async (token: string | undefined) => pages[token ?? 'first']);
    r = render(<Harness load={load} filter="" />);
    await flush();
    expect(list.loaded.map((i) => i.id)).toEqual(['a', 'b']);
    expect(list.token).toBe('p2');
    await act(() => list.loadMore());
    expect(load).toHaveBeenLastCalledWith('p2');
    expect(list.loaded.map((i) => i.id)).toEqual(['a', 'b', 'c']);
    expect(list.token).toBe(''); // the last page: no more
    r.rerender(<Harness load={load} filter="FAILED" />);
    await flush();
    expect(list.loaded.map((i) => i.id)).toEqual(['a', 'b']);
    expect(list.token).toBe('p2');
  });

  it('keeps the list when loading more fails, and says why', async () => {
    const load = vi.fn(async (token: string | undefined) => {
      if (token) throw new Error('gone');
      return { items: [{ id: 'a' }], next: 'p2' };
    });
    r = render(<Harness load={load} filter="" />);
    await flush();
    await act(() => list.loadMore());
    expect(list.moreError?.message).toBe('gone');
    expect(list.loaded.map((i) => i.id)).toEqual(['a']);
    expect(list.token).toBe('p2');
  });

  it('polls the first page only while an item in it is active', async () => {
    vi.useFakeTimers();
    try {
      let active = true;
      const load = vi.fn(async () => ({ items: [{ id: 'a', active }] }));
      r = render(<Harness load={load} filter="" />);
      await act(async () => void (await vi.advanceTimersByTimeAsync(0)));
      active = false;
      await act(async () => void (await vi.advanceTimersByTimeAsync(1000)));
      await act(async () => void (await vi.advanceTimersByTimeAsync(5000)));
      expect(load).toHaveBeenCalledTimes(2);
    } finally {
      vi.useRealTimers();
    }
  });
});
