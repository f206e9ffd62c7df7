// Min/max-preserving downsampling (M4: per x-bucket the first, minimum,
// maximum and last point). Mirrors src/frontends/dashboard/downsample.cc
// operation for operation, so a server without cairn's downsampling endpoint
// (plain MLflow) gets the same chart from the full history. Both files test
// the same cases.

export interface DownsampleOptions {
  buckets: number; // >= 1
  // Inclusive x range; the nearest point outside each given bound is kept.
  start?: number;
  end?: number;
}

function lowerBound(xs: ArrayLike<number>, n: number, value: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function upperBound(xs: ArrayLike<number>, n: number, value: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid] <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// `xs` sorted ascending; `ys[i]` may be NaN/±Infinity. Returns the kept
// indices, ascending. At most 4 * buckets points in range: all are kept.
export function downsampleMinMax(
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  options: DownsampleOptions,
): number[] {
  const n = Math.min(xs.length, ys.length);
  const hasStart = options.start !== undefined;
  const hasEnd = options.end !== undefined;
  let lo = hasStart ? lowerBound(xs, n, options.start!) : 0;
  let hi = hasEnd ? upperBound(xs, n, options.end!) : n;
  const kept: number[] = [];
  if (hi < lo) hi = lo;
  const leftNeighbour = hasStart && lo > 0;
  const rightNeighbour = hasEnd && hi < n;
  if (leftNeighbour) kept.push(lo - 1);

  const buckets = Math.max(1, Math.floor(options.buckets));
  const count = hi - lo;
  if (count <= 4 * buckets) {
    for (let i = lo; i < hi; ++i) kept.push(i);
  } else {
    const x0 = xs[lo];
    const x1 = xs[hi - 1];
    const width = (x1 - x0) / buckets;
    const bucketOf = (x: number): number => {
      if (!(width > 0)) return 0;
      const b = Math.floor((x - x0) / width);
      return Math.min(Math.max(b, 0), buckets - 1);
    };
    let i = lo;
    while (i < hi) {
      const b = bucketOf(xs[i]);
      const first = i;
      let last = i;
      let minI = -1;
      let maxI = -1;
      for (; i < hi && bucketOf(xs[i]) === b; ++i) {
        last = i;
        const y = ys[i];
        if (Number.isNaN(y)) continue;
        if (minI < 0 || y < ys[minI]) minI = i;
        if (maxI < 0 || y > ys[maxI]) maxI = i;
      }
      const picks = [first, last];
      if (minI >= 0) picks.push(minI);
      if (maxI >= 0) picks.push(maxI);
      picks.sort((a, b) => a - b);
      for (let k = 0; k < picks.length; ++k) {
        if (k === 0 || picks[k] !== picks[k - 1]) kept.push(picks[k]);
      }
    }
  }
  if (rightNeighbour) kept.push(hi);
  return kept;
}
