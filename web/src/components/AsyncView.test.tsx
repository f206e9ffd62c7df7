// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buttonNamed, click, render, type Rendered } from '../testing/render';
import { AsyncView } from './AsyncView';
import { LoadMore } from './LoadMore';

let r: Rendered;
afterEach(() => r.unmount());

const view = (state: { data: string[] | undefined; error: Error | undefined; reload: () => void }) => (
  <AsyncView state={state} errorTitle="Could not load tokens" loading="Loading tokens" isEmpty={(d) => d.length === 0} empty={<p>none</p>}>
    {(d) => <ul>{d.map((x) => <li key={x}>{x}</li>)}</ul>}
  </AsyncView>
);

describe('AsyncView', () => {
  it('renders loading, error with retry, empty and the data', async () => {
    const reload = vi.fn();
    r = render(view({ data: undefined, error: undefined, reload }));
    expect(r.container.querySelector('[role=status]')!.textContent).toContain('Loading tokens…');
    r.rerender(view({ data: undefined, error: new Error('403'), reload }));
    expect(r.container.querySelector('[role=alert]')!.textContent).toContain('Could not load tokens');
    await click(buttonNamed(r.container, 'Retry'));
    expect(reload).toHaveBeenCalled();
    r.rerender(view({ data: [], error: undefined, reload }));
    expect(r.container.innerHTML).toBe('<p>none</p>');
    r.rerender(view({ data: ['a', 'b'], error: undefined, reload }));
    expect(r.container.innerHTML).toBe('<ul><li>a</li><li>b</li></ul>');
  });

  it('keeps the data on a failed refresh, and has no empty state unless asked', () => {
    r = render(
      <AsyncView state={{ data: [] as string[], error: new Error('timeout'), reload: vi.fn() }} errorTitle="x" loading="y">
        {(d) => <span>{d.length} rows</span>}
      </AsyncView>,
    );
    expect(r.container.innerHTML).toBe('<span>0 rows</span>');
  });
});

describe('LoadMore', () => {
  it('offers the button while there is a token, and shows why loading failed', async () => {
    const onLoad = vi.fn();
    r = render(<LoadMore token="p2" onLoad={onLoad} label="Load more runs" />);
    await click(buttonNamed(r.container, 'Load more runs'));
    expect(onLoad).toHaveBeenCalled();
    r.rerender(<LoadMore token="" error={new Error('gone')} onLoad={onLoad} label="Load more runs" />);
    expect(r.container.querySelector('button')).toBeNull();
    expect(r.container.querySelector('[data-testid=error-state]')!.textContent).toContain('gone');
  });
});
