// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { LiveHeader } from './LiveHeader';
import { render, type Rendered } from '../testing/render';

let r: Rendered;
afterEach(() => r.unmount());

describe('LiveHeader', () => {
  it('shows the action and the live note only while active', () => {
    const header = (active: boolean, error?: Error) => (
      <LiveHeader title="demo" state="RUNNING" badgeClass="run" stateTestId="st" active={active} action={<button>Stop</button>} pollMs={1500} error={error} />
    );
    r = render(header(true));
    expect(r.container.querySelector('h1')!.textContent).toBe('demo');
    const badge = r.container.querySelector('[data-testid=st]')!;
    expect(badge.className).toBe('badge badge-run');
    expect(badge.textContent).toBe('RUNNING');
    expect(r.container.textContent).toContain('live · refreshes every 1.5 s');
    expect(r.container.querySelector('button')!.textContent).toBe('Stop');
    r.rerender(header(false, new Error('timeout')));
    expect(r.container.querySelector('button')).toBeNull();
    expect(r.container.textContent).not.toContain('live');
    expect(r.container.querySelector('.warning')!.textContent).toBe('Last refresh failed: timeout');
  });
});
