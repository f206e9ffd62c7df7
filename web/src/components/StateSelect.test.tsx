// @vitest-environment jsdom
import { act } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { StateSelect } from './StateSelect';
import { render, type Rendered } from '../testing/render';

let r: Rendered;
afterEach(() => r.unmount());

describe('StateSelect', () => {
  it('offers any state and each one, in words, and reports the choice', () => {
    const onChange = vi.fn();
    r = render(<StateSelect label="Run state" states={['RUNNING', 'EARLY_STOPPED']} value="" onChange={onChange} format={(s) => s.toLowerCase().replace('_', ' ')} />);
    const select = r.container.querySelector('select')!;
    expect(select.getAttribute('aria-label')).toBe('Run state');
    expect(r.container.querySelector('label')!.firstChild!.textContent).toBe('State');
    expect([...select.options].map((o) => [o.value, o.textContent])).toEqual([
      ['', 'any'],
      ['RUNNING', 'running'],
      ['EARLY_STOPPED', 'early stopped'],
    ]);
    act(() => {
      select.value = 'RUNNING';
      select.dispatchEvent(new Event('change', { bubbles: true }));
    });
    expect(onChange).toHaveBeenCalledWith('RUNNING');
  });

  it('lower-cases by default', () => {
    r = render(<StateSelect label="s" states={['FAILED']} value="FAILED" onChange={vi.fn()} />);
    expect(r.container.querySelector('select')!.value).toBe('FAILED');
    expect(r.container.querySelectorAll('option')[1].textContent).toBe('failed');
  });
});
