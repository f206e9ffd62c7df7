// The end of a server-paged list: why the last "load more" failed, and the
// button while the server has more.
import { ErrorState } from './common';

export function LoadMore({ token, error, onLoad, label }: { token?: string; error?: Error; onLoad: () => void; label: string }) {
  return (
    <>
      {error && <ErrorState error={error} />}
      {token ? (
        <button type="button" onClick={onLoad}>
          {label}
        </button>
      ) : null}
    </>
  );
}
