import { describe, expect, it } from 'vitest';
import { differs, makeAxis } from './axes';

describe('plot axes', () => {
  it('makes numeric axes from numeric strings', () => {
    const a = makeAxis(['0.1', '0.3', undefined, 0.2]);
    expect(a.kind).toBe('num');
    expect(a.pos('0.1')).toBeCloseTo(0);
    expect(a.pos(0.3)).toBeCloseTo(1);
    expect(a.pos(undefined)).toBeNull();
    expect(a.ticks[0].label).toBe('0.1');
    expect(makeAxis([5, 5]).pos(5)).toBeCloseTo(0.5);
  });
  it('makes categorical axes otherwise', () => {
    const a = makeAxis(['adam', 'sgd', 'adam', 'rmsprop']);
    expect(a.kind).toBe('cat');
    expect(a.ticks.map((t) => t.label)).toEqual(['adam', 'rmsprop', 'sgd']);
    expect(a.pos('sgd')).toBe(1);
    expect(makeAxis(['only']).pos('only')).toBe(0.5);
  });
  it('detects differences, counting missing values', () => {
    expect(differs(['1', '1'])).toBe(false);
    expect(differs(['1', undefined])).toBe(true);
    expect(differs([1, '1'])).toBe(false);
  });
});
