// @vitest-environment jsdom
import { act } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { render, type Rendered } from '../testing/render';
import { useAction, type Action } from './useAction';

let action: Action;
function Harness() {
  action = useAction();
  return null;
}

let r: Rendered;
afterEach(() => r.unmount());

describe('useAction', () => {
  it('is busy while the action runs, keeps its failure, and a new try clears it', async () => {
    r = render(<Harness />);
    let finish!: () => void;
    let result!: Promise<boolean>;
    act(() => {
      result = action.run(() => new Promise<void>((res) => (finish = res)));
    });
    expect(action.busy).toBe(true);
    await act(async () => finish());
    expect(await result).toBe(true);
    expect(action.busy).toBe(false);
    expect(action.error).toBeNull();

    let ok = true;
    await act(async () => {
      ok = await action.run(async () => Promise.reject(new Error('Token not found.')));
    });
    expect(ok).toBe(false);
    expect(action.error).toBe('Token not found.');
    expect(action.busy).toBe(false);

    let finish2!: () => void;
    act(() => void action.run(() => new Promise<void>((res) => (finish2 = res))));
    expect(action.error).toBeNull();
    await act(async () => finish2());
  });

  it("lets the form set its own check's message", () => {
    r = render(<Harness />);
    act(() => action.setError('Give the token a name.'));
    expect(action.error).toBe('Give the token a name.');
  });
});
