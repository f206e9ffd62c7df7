// @vitest-environment jsdom
import { act } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LogChunkLike } from '../lib/useFollowedLog';
import { render as mount, type Rendered } from '../testing/render';
import { LogsSection, type LogsSectionProps } from './LogsSection';

let r: Rendered;
afterEach(() => r.unmount());

const flush = () => act(async () => {});

function render(props: Partial<LogsSectionProps> & Pick<LogsSectionProps, 'read'>) {
  const all: LogsSectionProps = {
    streamKey: 'k',
    active: false,
    stream: 'stdout',
    onStream: vi.fn(),
    testId: 'task-logs',
    what: 'task',
    cli: 'cairn pipelines logs',
    ...props,
  };
  r = mount(<LogsSection {...all} />);
  return all;
}

const pre = () => r.container.querySelector<HTMLPreElement>('pre[data-testid=task-logs]');

describe('LogsSection', () => {
  it('shows Loading, then the text, and switches streams', async () => {
    let resolve!: (c: LogChunkLike) => void;
    const read = vi.fn(() => new Promise<LogChunkLike>((r) => (resolve = r)));
    const { onStream } = render({ read });
    expect(pre()!.textContent).toBe('Loading…');
    expect(pre()!.dataset.loaded).toBe('false');
    await act(async () => resolve({ data: 'hello\n', next_offset: 6, eof: true }));
    expect(pre()!.textContent).toBe('hello\n');
    expect(pre()!.dataset.stream).toBe('stdout');
    expect(pre()!.dataset.loaded).toBe('true');
    const stderr = [...r.container.querySelectorAll('button')].find((b) => b.textContent === 'stderr')!;
    expect(stderr.getAttribute('aria-pressed')).toBe('false');
    act(() => stderr.click());
    expect(onStream).toHaveBeenCalledWith('stderr');
    expect(r.container.textContent).not.toContain('Following while');
  });

  it('says the stream is empty, in the words of a running process, and that it follows', async () => {
    render({ read: async () => ({ data: '', next_offset: 0, eof: false }), active: true, stream: 'stderr', what: 'trial' });
    await flush();
    expect(pre()!.textContent).toBe('(no stderr yet)');
    expect(r.container.textContent).toContain('Following while the trial runs.');
  });

  it('shows an error instead of the text', async () => {
    render({ read: async () => Promise.reject(new Error('gone')) });
    await flush();
    expect(pre()).toBeNull();
    expect(r.container.querySelector('[data-testid=error-state]')!.textContent).toContain('Could not read the logs');
  });

  it('names the command that prints everything when the text was cut', async () => {
    const big = 'x'.repeat(2 * 1024 * 1024 + 1);
    render({ read: async () => ({ data: big, next_offset: big.length, eof: false }), cli: 'cairn tune logs' });
    await flush();
    expect(r.container.querySelector('.warning')!.textContent).toBe('Only the first 2 MiB are shown; `cairn tune logs` prints everything.');
  });
});
