// @vitest-environment jsdom
import { act } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { render, type Rendered } from '../testing/render';
import { FormError, FormMessage } from './FormMessage';
import { LabelledInput, PasswordField } from './LabelledInput';

let r: Rendered;
afterEach(() => r.unmount());

// React listens for 'input' events; set the value the way a user's typing does.
function type(input: HTMLInputElement, value: string) {
  const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
  act(() => {
    setter.call(input, value);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
}

describe('LabelledInput', () => {
  it('is named by its label, passes attributes through and reports the typed value', () => {
    const onValue = vi.fn();
    r = render(<LabelledInput label="Token name" labelClass="small" name="token-name" maxLength={200} value="" onValue={onValue} />);
    const label = r.container.querySelector('label')!;
    expect(label.className).toBe('small');
    expect(label.textContent).toBe('Token name ');
    const input = label.querySelector('input')!;
    expect(input.name).toBe('token-name');
    expect(input.maxLength).toBe(200);
    type(input, 'ci');
    expect(onValue).toHaveBeenCalledWith('ci');
  });

  it('PasswordField hides the text and asks for a new password', () => {
    r = render(<PasswordField label="New password" name="new-password" value="" onValue={vi.fn()} disabled />);
    const input = r.container.querySelector('input')!;
    expect(input.type).toBe('password');
    expect(input.autocomplete).toBe('new-password');
    expect(input.disabled).toBe(true);
    expect(r.container.querySelector('label')!.hasAttribute('class')).toBe(false);
  });
});

describe('FormMessage', () => {
  it('says nothing before a try, a success as status, a failure as alert', () => {
    r = render(<FormMessage result={null} />);
    expect(r.container.innerHTML).toBe('');
    r.rerender(<FormMessage result={{ ok: true, text: 'Created ci.' }} />);
    expect(r.container.innerHTML).toBe('<span class="small" role="status">Created ci.</span>');
    r.rerender(<FormMessage result={{ ok: false, text: 'Taken.' }} block />);
    expect(r.container.innerHTML).toBe('<p class="warning small" role="alert">Taken.</p>');
  });

  it('FormError shows only a failure', () => {
    r = render(<FormError error={null} />);
    expect(r.container.innerHTML).toBe('');
    r.rerender(<FormError error="not a number" />);
    expect(r.container.innerHTML).toBe('<span class="warning small" role="alert">not a number</span>');
  });
});
