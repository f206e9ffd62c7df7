// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FirstLoad, LiveHeader } from './LiveHeader';
import { buttonNamed, click, render, type Rendered } from '../testing/render';

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

describe('FirstLoad', () => {
  const crumbs = [{ label: 'Pipelines', href: '#/pipelines' }, { label: 'r1' }];
  it('is Loading until there is an error', () => {
    r = render(<FirstLoad retry={vi.fn()} crumbs={crumbs} errorTitle="Could not load" loading="Loading the run" />);
    expect(r.container.querySelector('[role=status]')!.textContent).toContain('Loading the run…');
    expect(r.container.querySelector('nav')).toBeNull();
  });

  it('shows the error with the breadcrumbs back and a retry', async () => {
    const retry = vi.fn();
    r = render(<FirstLoad error={new Error('no such run')} retry={retry} crumbs={crumbs} errorTitle="Could not load" loading="Loading the run" />);
    expect(r.container.querySelector('nav a')!.getAttribute('href')).toBe('#/pipelines');
    expect(r.container.querySelector('[role=alert]')!.textContent).toContain('Could not load');
    expect(r.container.querySelector('[role=alert]')!.textContent).toContain('no such run');
    await click(buttonNamed(r.container, 'Retry'));
    expect(retry).toHaveBeenCalled();
  });
});
