// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { StopButton, type StopButtonProps } from './StopButton';
import { buttonNamed, click, render, type Rendered } from '../testing/render';

let r: Rendered;
afterEach(() => r.unmount());

const props = (over: Partial<StopButtonProps> = {}): StopButtonProps => ({
  label: 'Cancel run',
  question: 'Kill its running tasks?',
  confirmLabel: 'Yes, cancel the run',
  stoppingText: 'Cancelling…',
  stopping: false,
  stop: vi.fn(async () => {}),
  onDone: vi.fn(),
  ...over,
});

describe('StopButton', () => {
  it('asks first, then stops and reports done', async () => {
    const p = props();
    r = render(<StopButton {...p} />);
    await click(buttonNamed(r.container, 'Cancel run'));
    expect(p.stop).not.toHaveBeenCalled();
    expect(r.container.textContent).toContain('Kill its running tasks?');
    await click(buttonNamed(r.container, 'Yes, cancel the run'));
    expect(p.stop).toHaveBeenCalledTimes(1);
    expect(p.onDone).toHaveBeenCalledTimes(1);
    expect(buttonNamed(r.container, 'Cancel run')).toBeTruthy(); // the question is gone
  });

  it('"Keep running" takes the question back', async () => {
    const p = props();
    r = render(<StopButton {...p} />);
    await click(buttonNamed(r.container, 'Cancel run'));
    await click(buttonNamed(r.container, 'Keep running'));
    expect(p.stop).not.toHaveBeenCalled();
    expect(r.container.textContent).not.toContain('Kill its');
  });

  it("shows the server's error and keeps the question", async () => {
    const p = props({ stop: async () => Promise.reject(new Error('not allowed')) });
    r = render(<StopButton {...p} />);
    await click(buttonNamed(r.container, 'Cancel run'));
    await click(buttonNamed(r.container, 'Yes, cancel the run'));
    expect(r.container.querySelector('.warning')!.textContent).toBe('not allowed');
    expect(p.onDone).not.toHaveBeenCalled();
    expect(buttonNamed(r.container, 'Yes, cancel the run').disabled).toBe(false);
  });

  it('says it is stopping instead of offering the button', () => {
    r = render(<StopButton {...props({ stopping: true })} />);
    expect(r.container.textContent).toBe('Cancelling…');
    expect(r.container.querySelector('button')).toBeNull();
  });
});
