// @vitest-environment jsdom
import { act } from 'react';
import { createRoot } from 'react-dom/client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildTaskTree, taskRows } from '../lib/pipelineGraph';
import { cairnRunTasks } from '../lib/pipelineFixtures';
import { TaskList } from './TaskList';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let container: HTMLDivElement;
afterEach(() => container?.remove());

function render(state: string, onOpen = vi.fn(), onState = vi.fn()) {
  container = document.createElement('div');
  document.body.appendChild(container);
  const root = createRoot(container);
  const rows = taskRows(buildTaskTree(cairnRunTasks()));
  act(() => root.render(<TaskList rows={rows} state={state} onState={onState} selected="boom" onOpen={onOpen} />));
  return { root, onOpen, onState };
}

describe('TaskList', () => {
  it('lists every task, indented under its group, and opens one on click', () => {
    const { onOpen } = render('');
    const rows = container.querySelectorAll('tbody tr');
    expect(rows).toHaveLength(cairnRunTasks().length);
    expect(container.querySelector('[data-testid=task-list-status]')!.textContent).toBe('12 of 12 tasks');
    const inner = container.querySelector<HTMLElement>('tr[data-node-id="squares[1]/squares"] td')!;
    expect(inner.style.paddingLeft).toBe('46px'); // two levels down
    expect(container.querySelector('tr[data-node-id=boom]')!.className).toBe('selected');
    act(() => container.querySelector<HTMLButtonElement>('tr[data-node-id=boom] button')!.click());
    expect(onOpen).toHaveBeenCalledWith('boom');
  });

  it('shows only the tasks in the chosen state, flat', () => {
    const { onState } = render('cached');
    const rows = container.querySelectorAll('tbody tr');
    expect(rows).toHaveLength(1);
    expect(rows[0].getAttribute('data-node-id')).toBe('squares[2]/squares');
    expect(container.querySelector<HTMLElement>('tbody td')!.style.paddingLeft).toBe('');
    const select = container.querySelector('select')!;
    act(() => {
      select.value = 'failed';
      select.dispatchEvent(new Event('change', { bubbles: true }));
    });
    expect(onState).toHaveBeenCalledWith('failed');
  });
});
