// A plain list table with a row of text headers; `actions` adds a last
// column for per-row buttons whose header is read out but not shown.
import type { ReactNode } from 'react';

export function ListTable({ label, columns, actions = false, children }: { label: string; columns: string[]; actions?: boolean; children: ReactNode }) {
  return (
    <table className="list" aria-label={label}>
      <thead>
        <tr>
          {columns.map((c) => (
            <th key={c}>{c}</th>
          ))}
          {actions && (
            <th>
              <span className="skip">Actions</span>
            </th>
          )}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}
