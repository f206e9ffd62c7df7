// The same cases as src/frontends/dashboard/downsample_test.cc: the server
// and this mirror must keep the same points.
import { describe, expect, it } from 'vitest';
import { downsampleMinMax } from './downsample';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const run = (xs: number[], ys: number[], buckets: number, start?: number, end?: number) =>
  downsampleMinMax(xs, ys, { buckets, start, end });

describe('downsampleMinMax (mirror of the C++ DownsampleMinMax)', () => {
  it('keeps a small series whole', () => {
    expect(run(range(8), [5, 1, 4, 2, 8, 0, 3, 7], 2)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(run([], [], 10)).toEqual([]);
  });

  it('keeps first, min, max and last per bucket', () => {
    const ys = [3, 9, 1, 4, 4, 4, 4, 4, 4, 5, 6, 6, 6, 0, 6, 6, 12, 6, 6, 7];
    expect(run(range(20), ys, 2)).toEqual([0, 1, 2, 9, 10, 13, 16, 19]);
  });

  it('breaks ties on the first point and never picks NaN', () => {
    expect(run(range(12), [NaN, 2, 2, NaN, 2, 2, 1, 1, 9, 9, 1, NaN], 1)).toEqual([0, 6, 8, 11]);
    const ys = new Array<number>(24).fill(2);
    ys[0] = NaN;
    ys[17] = -Infinity;
    ys[20] = 3;
    expect(run(range(24), ys, 2)).toEqual([0, 1, 11, 12, 17, 20, 23]);
  });

  it('keeps one neighbour outside each bound of a range', () => {
    const xs = range(100);
    const ys = xs.map((i) => Math.sin(i));
    expect(run(xs, ys, 10, 40, 43)).toEqual([39, 40, 41, 42, 43, 44]);
    expect(run(xs, ys, 10, 40.5, 42.5)).toEqual([40, 41, 42, 43]);
    expect(run(xs, ys, 10, undefined, 1)).toEqual([0, 1, 2]);
    expect(run(xs, ys, 10, 98, undefined)).toEqual([97, 98, 99]);
    expect(run(xs, ys, 10, 200, 300)).toEqual([99]);
  });

  it('buckets by x, not by point count', () => {
    const xs = [0, 0, 1, 1, 2, 2, 3, 3, 100, 100, 101, 101];
    expect(run(xs, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], 1)).toEqual([0, 11]);
    expect(run(xs, [5, 1, 5, 5, 5, 5, 5, 5, 5, 9, 5, 5], 2)).toEqual([0, 1, 7, 8, 9, 11]);
  });

  it('bounds a large series and keeps its extremes', () => {
    const n = 100000;
    const xs = range(n);
    const ys = xs.map((i) => Math.sin(i / 1000));
    ys[54321] = 50;
    ys[7] = -50;
    const kept = run(xs, ys, 500);
    expect(kept.length).toBeLessThanOrEqual(2000);
    expect(kept.length).toBeGreaterThanOrEqual(1000);
    expect(kept).toContain(54321);
    expect(kept).toContain(7);
    expect(kept[0]).toBe(0);
    expect(kept[kept.length - 1]).toBe(n - 1);
    expect([...kept].sort((a, b) => a - b)).toEqual(kept);
  });
});
