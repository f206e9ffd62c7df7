// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buttonNamed, click, render, type Rendered } from '../testing/render';
import { Segmented } from './Segmented';

let r: Rendered;
afterEach(() => r.unmount());

describe('Segmented', () => {
  it('presses the chosen option and reports a click on another', async () => {
    const onChange = vi.fn();
    r = render(<Segmented label="View" options={['graph', 'list'] as const} value="list" onChange={onChange} text={(o) => o.toUpperCase()} />);
    const group = r.container.querySelector('[role=group]')!;
    expect(group.getAttribute('aria-label')).toBe('View');
    const graph = buttonNamed(r.container, 'GRAPH');
    const list = buttonNamed(r.container, 'LIST');
    expect(graph.getAttribute('aria-pressed')).toBe('false');
    expect(list.getAttribute('aria-pressed')).toBe('true');
    expect(list.className).toBe('on');
    await click(graph);
    expect(onChange).toHaveBeenCalledWith('graph');
  });
});
