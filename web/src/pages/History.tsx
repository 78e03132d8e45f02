import { useInfiniteQuery } from '@tanstack/react-query';
import { api, describeError, unwrap } from '../api/client';
import { Failure, Loading } from '../components/Status';
import { whenWithZone } from '../components/forms';

/**
 * The history of the negotiation as the reader may know it: who did what and when, newest first,
 * by name, read from the audit log through the same visibility rule as everything else; each event
 * the reader's party holds a receipt of can be downloaded and kept outside Parley.
 */
export default function HistoryPage({ id }: { id: string }) {
  const pages = useInfiniteQuery({
    queryKey: ['negotiation', id, 'history'],
    initialPageParam: undefined as number | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET('/api/negotiations/{id}/history', {
          params: { path: { id }, query: pageParam === undefined ? {} : { before: pageParam } },
        }),
      ),
    getNextPageParam: (last) => last.nextBefore ?? undefined,
    // Most changes do not name the history's topic: opening the page reads it afresh.
    refetchOnMount: 'always',
  });
  if (pages.isPending) return <Loading what="the history" />;
  if (!pages.data) return <Failure error={pages.error} what="the history" />;
  const entries = pages.data.pages.flatMap((page) => page.entries);
  return (
    <section aria-labelledby="history-title">
      <h1 id="history-title">History</h1>
      <p className="hint">
        A receipt proves that this event is in the log, unchanged, with everything before it; keep it outside Parley and
        check it at any time with <code>parley audit verify --receipt FILE</code>.
      </p>
      {entries.length === 0 && !pages.hasNextPage ? (
        <p>Nothing has happened here that you may read of yet.</p>
      ) : (
        <ol className="history" aria-label="Events, newest first">
          {entries.map((entry) => (
            <li key={entry.seq} data-testid="history-entry" data-action={entry.action}>
              <time dateTime={entry.at}>{whenWithZone(entry.at)}</time> <strong>{entry.actor}</strong>
              {entry.actorParty ? ` (${entry.actorParty})` : ''} {entry.what}
              {entry.receipt && (
                <>
                  {' · '}
                  <a href={`/api/negotiations/${encodeURIComponent(id)}/receipts/${entry.seq}`} download>
                    Download receipt
                  </a>
                </>
              )}
            </li>
          ))}
        </ol>
      )}
      {pages.hasNextPage && (
        <p>
          <button type="button" onClick={() => void pages.fetchNextPage()} disabled={pages.isFetchingNextPage}>
            {pages.isFetchingNextPage ? 'Loading older events…' : 'Show older'}
          </button>
        </p>
      )}
      {pages.error && (
        <p role="alert" className="status error">
          Could not load older events: {describeError(pages.error)}
        </p>
      )}
    </section>
  );
}
