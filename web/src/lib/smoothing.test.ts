import { describe, expect, it } from 'vitest';
import { formatDuration, formatNumber, metricValue, runDuration } from './format';
import { smoothEma } from './smoothing';

describe('smoothEma', () => {
  it('is the identity at weight 0', () => {
    expect(smoothEma([1, 5, 2], 0)).toEqual([1, 5, 2]);
  });
  it('keeps a constant series constant (debiased) and passes NaN through', () => {
    const out = smoothEma([3, 3, NaN, 3, null], 0.9);
    expect(out[0]).toBeCloseTo(3);
    expect(out[1]).toBeCloseTo(3);
    expect(out[2]).toBeNaN();
    expect(out[3]).toBeCloseTo(3);
    expect(out[4]).toBeNull();
  });
  it('damps a step', () => {
    const out = smoothEma([0, 0, 10, 10], 0.5) as number[];
    expect(out[2]).toBeGreaterThan(0);
    expect(out[2]).toBeLessThan(10);
    expect(out[3]).toBeGreaterThan(out[2]);
  });
});

describe('format', () => {
  it('formats durations, numbers and MLflow special values', () => {
    expect(formatDuration(450)).toBe('450ms');
    expect(formatDuration(61_000)).toBe('1m 1s');
    expect(formatDuration(3_600_000 * 26)).toBe('1d 2h');
    expect(runDuration(1000, 4000)).toBe(3000);
    expect(runDuration(1000, undefined, 'RUNNING', 5000)).toBe(4000);
    expect(runDuration(1000, undefined, 'FAILED', 5000)).toBeNull();
    expect(formatNumber(0.123456789)).toBe('0.123457');
    expect(formatNumber(12)).toBe('12');
    expect(formatNumber(1e-7)).toBe('1.0000e-7');
    expect(metricValue('NaN')).toBeNaN();
    expect(metricValue('-Infinity')).toBe(-Infinity);
  });
});
