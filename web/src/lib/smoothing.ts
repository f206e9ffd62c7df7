// Exponential moving average with TensorBoard's debiasing (the first points
// are not pulled towards 0). weight 0 = off, close to 1 = very smooth.
// Non-finite values pass through and do not disturb the average.
export function smoothEma(ys: ArrayLike<number | null>, weight: number): (number | null)[] {
  const out: (number | null)[] = new Array(ys.length);
  if (!(weight > 0)) {
    for (let i = 0; i < ys.length; ++i) out[i] = ys[i];
    return out;
  }
  let last = 0;
  let n = 0;
  for (let i = 0; i < ys.length; ++i) {
    const y = ys[i];
    if (y === null || !Number.isFinite(y)) {
      out[i] = y;
      continue;
    }
    last = last * weight + (1 - weight) * y;
    n += 1;
    out[i] = last / (1 - Math.pow(weight, n));
  }
  return out;
}
