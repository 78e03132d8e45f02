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

/** A query's three states in one place: loading, failed, or its data. */
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
  if (query.error || query.data === undefined) return <Failure error={query.error} what={what} />;
  return <>{children(query.data)}</>;
}
