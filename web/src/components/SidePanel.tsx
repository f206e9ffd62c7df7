// The frame of a detail side panel (a pipeline task, a tuning trial): title,
// badges, a close button that takes the focus when another item opens, and
// Escape to close wherever the focus is, except in a form field.
import { useEffect, useRef, type ReactNode } from 'react';

export function useEscapeToClose(onClose: () => void): void {
  // Read through a ref, so a new callback on every render does not re-bind.
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const field = (e.target as HTMLElement | null)?.closest?.('input, select, textarea');
      if (e.key === 'Escape' && !field) onCloseRef.current();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
}

export interface SidePanelProps {
  label: string; // the aside's accessible name
  testId: string;
  title: ReactNode;
  badges?: ReactNode; // between the title and the close button
  closeLabel: string;
  // Names the shown item: when it changes, the close button takes the focus.
  itemKey: string;
  onClose: () => void;
  children?: ReactNode;
}

export function SidePanel({ label, testId, title, badges, closeLabel, itemKey, onClose, children }: SidePanelProps) {
  const closeRef = useRef<HTMLButtonElement>(null);
  useEffect(() => closeRef.current?.focus(), [itemKey]);
  useEscapeToClose(onClose);
  return (
    <aside className="task-panel" aria-label={label} data-testid={testId}>
      <div className="title-row">
        <h2 className="fill">{title}</h2>
        {badges}
        <button type="button" ref={closeRef} onClick={onClose} aria-label={closeLabel}>
          ✕
        </button>
      </div>
      {children}
    </aside>
  );
}
