// What a detail page shows until its first answer (useAsync, usePolling):
// Loading, or the error as a page with its breadcrumbs, a way back.
import { Breadcrumbs, ErrorState, Loading } from './common';

export interface FirstLoadProps {
  error?: Error;
  retry: () => void;
  crumbs: { label: string; href?: string }[];
  errorTitle: string;
  loading: string;
}

export function FirstLoad({ error, retry, crumbs, errorTitle, loading }: FirstLoadProps) {
  if (!error) return <Loading what={loading} />;
  return (
    <div className="page">
      <Breadcrumbs items={crumbs} />
      <ErrorState error={error} retry={retry} title={errorTitle} />
    </div>
  );
}
