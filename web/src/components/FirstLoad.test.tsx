// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buttonNamed, click, render, type Rendered } from '../testing/render';
import { FirstLoad } from './FirstLoad';

let r: Rendered;
afterEach(() => r.unmount());

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
