// @vitest-environment jsdom
import { act } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { render, type Rendered } from '../testing/render';
import { useRowDetails } from './useRowDetails';

interface Row {
  id: string;
  state: string;
}

let details: Map<string, string>;
function Harness({ rows, fetch }: { rows: Row[]; fetch: (r: Row, signal: AbortSignal) => Promise<string> }) {
  details = useRowDetails(rows, (r) => r.id, (r) => r.state, fetch);
  return null;
}

const flush = () => act(async () => {});
let r: Rendered | undefined;
afterEach(() => r?.unmount());

describe('useRowDetails', () => {
  it('fetches each row once, and again only when its stamp changes', async () => {
    const fetch = vi.fn(async (row: Row) => `${row.id}:${row.state}`);
    const rows = [{ id: 'a', state: 'RUNNING' }, { id: 'b', state: 'DONE' }];
    r = render(<Harness rows={rows} fetch={fetch} />);
    await flush();
    expect(Object.fromEntries(details)).toEqual({ a: 'a:RUNNING', b: 'b:DONE' });
    r.rerender(<Harness rows={[{ id: 'a', state: 'DONE' }, { id: 'b', state: 'DONE' }]} fetch={fetch} />);
    await flush();
    expect(fetch).toHaveBeenCalledTimes(3);
    expect(details.get('a')).toBe('a:DONE');
  });

  it('leaves a row without details when its call fails, and tries it again later', async () => {
    let fail = true;
    const fetch = vi.fn(async (row: Row) => {
      if (fail) throw new Error('503');
      return row.id;
    });
    const rows = [{ id: 'a', state: 'DONE' }];
    r = render(<Harness rows={rows} fetch={fetch} />);
    await flush();
    expect(details.has('a')).toBe(false);
    fail = false;
    r.rerender(<Harness rows={[...rows]} fetch={fetch} />);
    await flush();
    expect(details.get('a')).toBe('a');
  });

  it('aborts the calls in flight on unmount and drops their answers', async () => {
    let signal!: AbortSignal;
    let resolve!: (v: string) => void;
    const fetch = vi.fn((_: Row, s: AbortSignal) => {
      signal = s;
      return new Promise<string>((res) => (resolve = res));
    });
    r = render(<Harness rows={[{ id: 'a', state: 'x' }]} fetch={fetch} />);
    r.unmount();
    r = undefined;
    expect(signal.aborted).toBe(true);
    await act(async () => resolve('late'));
    expect(details.has('a')).toBe(false);
  });
});
