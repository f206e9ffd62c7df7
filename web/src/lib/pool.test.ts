import { describe, expect, it } from 'vitest';
import { pool } from './pool';

describe('pool', () => {
  it('keeps at most `limit` calls in flight and results in order', async () => {
    let inFlight = 0;
    let most = 0;
    const out = await pool([5, 1, 4, 2, 3], 2, async (n) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, n));
      inFlight -= 1;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30]);
    expect(most).toBe(2);
    expect(await pool([], 3, async () => 1)).toEqual([]);
  });
});
