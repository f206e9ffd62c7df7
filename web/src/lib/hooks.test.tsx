// @vitest-environment jsdom
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useSearchBox } from './hooks';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let box: [string, (v: string) => void];
function Harness({ url, commit }: { url: string; commit: (v: string) => void }) {
  box = useSearchBox(url, commit);
  return null;
}

describe('useSearchBox', () => {
  let root: Root;
  beforeEach(() => {
    vi.useFakeTimers();
    root = createRoot(document.createElement('div'));
  });
  afterEach(() => {
    act(() => root.unmount());
    vi.useRealTimers();
  });

  it('commits typed text after the delay, and a URL change never brings stale text back', () => {
    const commit = vi.fn();
    act(() => root.render(<Harness url="" commit={commit} />));
    act(() => box[1]('sleeper'));
    expect(box[0]).toBe('sleeper');
    expect(commit).not.toHaveBeenCalled();
    act(() => vi.advanceTimersByTime(300));
    expect(commit).toHaveBeenCalledWith('sleeper');
    act(() => root.render(<Harness url="sleeper" commit={commit} />)); // the URL took it
    // A link to the unfiltered page: the box follows the URL and stays so.
    act(() => root.render(<Harness url="" commit={commit} />));
    act(() => vi.advanceTimersByTime(300));
    expect(box[0]).toBe('');
    expect(commit).toHaveBeenCalledTimes(1);
  });
});
