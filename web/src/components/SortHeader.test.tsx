// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SortHeader, type Sort } from './SortHeader';
import { click, render, type Rendered } from '../testing/render';

let r: Rendered;
afterEach(() => r.unmount());

type K = 'name' | 'duration';
const row = (sort: Sort<K>, onSort = vi.fn()) => (
  <table>
    <thead>
      <tr>
        <SortHeader label="Run" col="name" sort={sort} onSort={onSort} />
        <SortHeader label="Duration" col="duration" sort={sort} onSort={onSort} num />
        <SortHeader<K> label="Pipeline" col={null} sort={sort} onSort={onSort} />
      </tr>
    </thead>
  </table>
);

describe('SortHeader', () => {
  it('marks the sorted column and sorts on click', async () => {
    const onSort = vi.fn();
    r = render(row({ key: 'duration', dir: 'desc' }, onSort));
    const [name, duration, pipeline] = r.container.querySelectorAll('th');
    expect(name.getAttribute('aria-sort')).toBeNull();
    expect(name.dataset.col).toBe('name');
    expect(duration.getAttribute('aria-sort')).toBe('descending');
    expect(duration.className).toBe('num');
    expect(duration.textContent).toBe('Duration▼');
    await click(name.querySelector('button')!);
    expect(onSort).toHaveBeenCalledWith('name');
    r.rerender(row({ key: 'name', dir: 'asc' }, onSort));
    expect(name.getAttribute('aria-sort')).toBe('ascending');
    expect(name.textContent).toBe('Run▲');
    expect(pipeline.querySelector('button')).toBeNull();
    expect(pipeline.textContent).toBe('Pipeline');
    expect(pipeline.hasAttribute('data-col')).toBe(false);
  });
});
