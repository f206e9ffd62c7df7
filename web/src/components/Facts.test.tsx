// @vitest-environment jsdom
import { act } from 'react';
import { createRoot } from 'react-dom/client';
import { describe, expect, it } from 'vitest';
import { CommandDetails, ExitCodeFact, TimeFacts, TrackingRunFact } from './Facts';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

function render(node: React.ReactNode): HTMLElement {
  const container = document.createElement('dl');
  act(() => createRoot(container).render(node));
  return container;
}

const facts = (el: HTMLElement) => [...el.querySelectorAll('div')].map((d) => [d.querySelector('dt')!.textContent, d.querySelector('dd')!.textContent]);

describe('Facts', () => {
  it('TimeFacts shows a dash for what has not happened', () => {
    const el = render(<TimeFacts started={undefined} finished={undefined} duration={null} />);
    expect(facts(el)).toEqual([['Started', '—'], ['Finished', '—'], ['Duration', '—']]);
    const done = facts(render(<TimeFacts started={1_700_000_000_000} finished={1_700_000_065_000} duration={65_000} />));
    expect(done.map(([k]) => k)).toEqual(['Started', 'Finished', 'Duration']);
    expect(done.every(([, v]) => v !== '—')).toBe(true);
  });

  it('ExitCodeFact only for a process that ended', () => {
    expect(render(<ExitCodeFact />).textContent).toBe('');
    expect(render(<ExitCodeFact code={-1} />).textContent).toBe('');
    expect(facts(render(<ExitCodeFact code={0} />))).toEqual([['Exit code', '0']]);
  });

  it('TrackingRunFact links the run or says none', () => {
    const linked = render(<TrackingRunFact runId="abc" link="open the run" />);
    expect(linked.querySelector('a')!.textContent).toBe('open the run');
    expect(linked.querySelector('a')!.getAttribute('href')).toContain('abc');
    expect(facts(render(<TrackingRunFact link="open the run" />))).toEqual([['Tracking run', 'none']]);
  });

  it('CommandDetails joins the command, and is absent without one', () => {
    expect(render(<CommandDetails command={[]} />).innerHTML).toBe('');
    expect(render(<CommandDetails command={['python', 'train.py']} />).querySelector('pre')!.textContent).toBe('python train.py');
  });
});
