// @vitest-environment jsdom
import { act } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { render, type Rendered } from '../testing/render';
import { SidePanel } from './SidePanel';

let r: Rendered;
afterEach(() => r.unmount());

function panel(itemKey: string, onClose: () => void) {
  return (
    <SidePanel label="Task a" testId="side" title="a" badges={<span className="badge">ok</span>} closeLabel="Close it" itemKey={itemKey} onClose={onClose}>
      <input aria-label="field" />
      <p>body</p>
    </SidePanel>
  );
}

const key = (target: EventTarget, k: string) => act(() => void target.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true })));

describe('SidePanel', () => {
  it('renders the title, badges, children and a named close button', () => {
    const onClose = vi.fn();
    r = render(panel('a', onClose));
    const aside = r.container.querySelector('aside[data-testid=side]')!;
    expect(aside.getAttribute('aria-label')).toBe('Task a');
    expect(aside.querySelector('h2')!.textContent).toBe('a');
    expect(aside.querySelector('.title-row .badge')!.textContent).toBe('ok');
    expect(aside.querySelector('p')!.textContent).toBe('body');
    const close = aside.querySelector<HTMLButtonElement>('button[aria-label="Close it"]')!;
    act(() => close.click());
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it('focuses the close button when another item opens', () => {
    r = render(panel('a', vi.fn()));
    const close = r.container.querySelector<HTMLButtonElement>('button[aria-label="Close it"]')!;
    expect(document.activeElement).toBe(close);
    act(() => close.blur());
    r.rerender(panel('a', vi.fn()));
    expect(document.activeElement).not.toBe(close); // same item: the focus stays where it is
    r.rerender(panel('b', vi.fn()));
    expect(document.activeElement).toBe(close);
  });

  it('closes on Escape, except in a form field, and stops listening once unmounted', () => {
    const first = vi.fn();
    const latest = vi.fn();
    r = render(panel('a', first));
    r.rerender(panel('a', latest)); // the newest callback is the one called
    key(r.container.querySelector('input')!, 'Escape');
    key(document.body, 'Enter');
    expect(latest).not.toHaveBeenCalled();
    key(document.body, 'Escape');
    expect(latest).toHaveBeenCalledTimes(1);
    expect(first).not.toHaveBeenCalled();
    r.rerender(<p />);
    key(document.body, 'Escape');
    expect(latest).toHaveBeenCalledTimes(1);
  });
});
