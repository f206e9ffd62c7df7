// @vitest-environment jsdom
import { act } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { render, type Rendered } from '../testing/render';
import { usePolling, type AsyncState } from './hooks';

interface Run {
  state: string;
}

let seen: AsyncState<Run>;
function Harness({ load, id }: { load: (signal: AbortSignal) => Promise<Run>; id: string }) {
  seen = usePolling(load, [id], (d) => d.state === 'RUNNING', 1000);
  return null;
}

// Answers in order, one per call; the signal of each call is kept.
function server(...answers: (Run | Error)[]) {
  const signals: AbortSignal[] = [];
  const load = vi.fn((signal: AbortSignal) => {
    signals.push(signal);
    const a = answers[Math.min(signals.length - 1, answers.length - 1)];
    return a instanceof Error ? Promise.reject(a) : Promise.resolve(a);
  });
  return { load, signals };
}

const tick = (ms: number) => act(async () => void (await vi.advanceTimersByTimeAsync(ms)));

describe('usePolling', () => {
  let r: Rendered | undefined;
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => {
    r?.unmount();
    r = undefined;
    vi.useRealTimers();
  });

  it('polls while the data is active and stops on a terminal state', async () => {
    const { load } = server({ state: 'RUNNING' }, { state: 'RUNNING' }, { state: 'SUCCEEDED' });
    r = render(<Harness load={load} id="a" />);
    expect(seen.loading).toBe(true);
    await tick(0);
    expect(seen.data).toEqual({ state: 'RUNNING' });
    await tick(1000);
    expect(load).toHaveBeenCalledTimes(2);
    await tick(1000);
    expect(seen.data).toEqual({ state: 'SUCCEEDED' });
    await tick(5000);
    expect(load).toHaveBeenCalledTimes(3);
  });

  it('keeps the last data on a failed poll, reports the error and tries again', async () => {
    const { load } = server({ state: 'RUNNING' }, new Error('502'), { state: 'FAILED' });
    r = render(<Harness load={load} id="a" />);
    await tick(0);
    await tick(1000);
    expect(seen.data).toEqual({ state: 'RUNNING' });
    expect(seen.error?.message).toBe('502');
    await tick(1000);
    expect(seen.data).toEqual({ state: 'FAILED' });
    expect(seen.error).toBeUndefined();
  });

  it('stops and aborts the call in flight when unmounted', async () => {
    const { load, signals } = server({ state: 'RUNNING' });
    r = render(<Harness load={load} id="a" />);
    await tick(0);
    r.unmount();
    r = undefined;
    expect(signals[0].aborted).toBe(true);
    await tick(5000);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('starts over for new deps and on reload', async () => {
    const { load, signals } = server({ state: 'SUCCEEDED' });
    r = render(<Harness load={load} id="a" />);
    await tick(0);
    r.rerender(<Harness load={load} id="b" />);
    await tick(0);
    expect(load).toHaveBeenCalledTimes(2);
    expect(signals[0].aborted).toBe(true);
    act(() => seen.reload());
    await tick(0);
    expect(load).toHaveBeenCalledTimes(3);
  });
});
