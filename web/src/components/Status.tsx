import { describeError } from '../api/client';

export function Loading({ what }: { what: string }) {
  return (
    <p className="status" role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}

export function Failure({ error, what }: { error: unknown; what: string }) {
  return (
    <p className="status error" role="alert">
      Could not load {what}: {describeError(error)}
    </p>
  );
}

/** A reading that could not be refreshed: what was read before stays on screen, and the page says so. */
export function RefreshFailed({ error, what }: { error: unknown; what: string }) {
  return (
    <p className="status error" role="alert">
      Could not refresh {what}: {describeError(error)}. Showing what was read before.
    </p>
  );
}

/**
 * A query's states in one place: loading, failed, or its data. A refresh that fails keeps the data
 * shown (with a word about it): an open form in it is never lost to a passing network error.
 */
export function Await<T>({
  query,
  what,
  children,
}: {
  query: { data?: T; error: unknown; isPending: boolean };
  what: string;
  children: (data: T) => React.ReactNode;
}) {
  if (query.isPending) return <Loading what={what} />;
  if (query.data === undefined) return <Failure error={query.error} what={what} />;
  return (
    <>
      {query.error ? <RefreshFailed error={query.error} what={what} /> : null}
      {children(query.data)}
    </>
  );
}
