// Axes for the scatter and parallel-coordinates plots: a column whose values
// all parse as numbers is numeric (linear, padded), otherwise categorical
// (sorted distinct values, evenly spaced). Positions are 0..1; missing is null.
export type AxisValue = string | number | undefined;

export interface Axis {
  kind: 'num' | 'cat';
  pos: (v: AxisValue) => number | null;
  ticks: { at: number; label: string }[];
}

function asNumber(v: AxisValue): number | null {
  if (v === undefined || v === '') return null;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : null;
}

export function makeAxis(values: AxisValue[], tickCount = 5): Axis {
  const present = values.filter((v) => v !== undefined && v !== '');
  const numeric = present.length > 0 && present.every((v) => asNumber(v) !== null);
  if (numeric) {
    const nums = present.map((v) => asNumber(v)!);
    let lo = Math.min(...nums);
    let hi = Math.max(...nums);
    if (lo === hi) {
      lo -= 0.5;
      hi += 0.5;
    }
    const span = hi - lo;
    const ticks = Array.from({ length: tickCount }, (_, i) => {
      const v = lo + (span * i) / (tickCount - 1);
      return { at: i / (tickCount - 1), label: String(Number(v.toPrecision(3))) };
    });
    return {
      kind: 'num',
      pos: (v) => {
        const n = asNumber(v);
        return n === null ? null : (n - lo) / span;
      },
      ticks,
    };
  }
  const cats = [...new Set(present.map(String))].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  const index = new Map(cats.map((c, i) => [c, i]));
  const at = (i: number) => (cats.length === 1 ? 0.5 : i / (cats.length - 1));
  return {
    kind: 'cat',
    pos: (v) => (v === undefined || v === '' ? null : at(index.get(String(v)) ?? 0)),
    ticks: cats.slice(0, 30).map((c, i) => ({ at: at(i), label: c })),
  };
}

// Two runs differ on a key when their values differ (missing counts).
export function differs(values: AxisValue[]): boolean {
  return new Set(values.map((v) => (v === undefined ? '\u0000' : String(v)))).size > 1;
}
