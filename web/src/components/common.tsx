import type { ReactNode } from 'react';
import { ApiError } from '../api/client';
import type { KeyValue } from '../api/types';

export function Loading({ what = 'Loading' }: { what?: string }) {
  return (
    <div className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> {what}…
    </div>
  );
}

export function ErrorState({ error, retry, title = 'Something went wrong' }: { error: Error; retry?: () => void; title?: string }) {
  const code = error instanceof ApiError ? error.code : '';
  return (
    <div className="state state-error" role="alert" data-testid="error-state">
      <strong>{title}</strong>
      <p>
        {error.message}
        {code && <span className="muted"> ({code})</span>}
      </p>
      {retry && (
        <button type="button" onClick={retry}>
          Retry
        </button>
      )}
    </div>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state state-empty" data-testid="empty-state">
      <strong>{title}</strong>
      {children && <div className="muted">{children}</div>}
    </div>
  );
}

const STATUS_CLASS: Record<string, string> = {
  FINISHED: 'ok',
  READY: 'ok',
  RUNNING: 'run',
  SCHEDULED: 'run',
  PENDING_REGISTRATION: 'run',
  FAILED: 'bad',
  FAILED_REGISTRATION: 'bad',
  KILLED: 'warn',
};

export function StatusBadge({ status }: { status?: string }) {
  if (!status) return null;
  return <span className={`badge badge-${STATUS_CLASS[status] ?? 'none'}`}>{status}</span>;
}

export interface TabDef<T extends string> {
  id: T;
  label: string;
  href: string;
}

export function Tabs<T extends string>({ tabs, active }: { tabs: TabDef<T>[]; active: T }) {
  return (
    <nav className="tabs" aria-label="Sections">
      {tabs.map((t) => (
        <a key={t.id} href={t.href} className={t.id === active ? 'tab active' : 'tab'} aria-current={t.id === active ? 'page' : undefined}>
          {t.label}
        </a>
      ))}
    </nav>
  );
}

export function KeyValueTable({
  rows,
  empty,
  label,
  render,
}: {
  rows: KeyValue[];
  empty: string;
  label: string;
  render?: (row: KeyValue) => ReactNode;
}) {
  if (rows.length === 0) return <p className="muted">{empty}</p>;
  return (
    <table className="kv" aria-label={label}>
      <tbody>
        {rows.map((r) => (
          <tr key={r.key}>
            <th scope="row">{r.key}</th>
            <td>{render ? render(r) : r.value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function Breadcrumbs({ items }: { items: { label: string; href?: string }[] }) {
  return (
    <nav className="crumbs" aria-label="Breadcrumb">
      {items.map((item, i) => (
        <span key={i}>
          {i > 0 && <span className="sep" aria-hidden="true"> / </span>}
          {item.href ? <a href={item.href}>{item.label}</a> : <span aria-current="page">{item.label}</span>}
        </span>
      ))}
    </nav>
  );
}
