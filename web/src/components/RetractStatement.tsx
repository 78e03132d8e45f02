import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, describeError, unwrap } from '../api/client';
import { keys, type Statement } from '../api/queries';

/**
 * A mediator retracts a public statement (recorded in error, or withdrawn by its speaker): asked
 * once more before it goes; it stays in the record, marked, and leaves the feed.
 */
export function RetractStatement({
  id,
  statement,
  onRetracted,
}: {
  id: string;
  statement: Statement;
  onRetracted: (words: string) => void;
}) {
  const client = useQueryClient();
  const [asking, setAsking] = useState(false);
  const retract = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/negotiations/{id}/statements/{itemId}/retract', {
          params: { path: { id, itemId: statement.id } },
        }),
      ),
    onSuccess: async (retracted) => {
      onRetracted(
        `Retracted: ${retracted.speaker}'s statement. It stays in the record, marked, and no longer shows in the feed.`,
      );
      await client.invalidateQueries({ queryKey: keys.statements(id).slice(0, 2) });
    },
  });
  if (!asking)
    return (
      <button
        type="button"
        className="small"
        onClick={() => setAsking(true)}
        aria-label={`Retract ${statement.speaker}'s statement`}
      >
        Retract
      </button>
    );
  return (
    <div className="row" role="group" aria-label={`Retract ${statement.speaker}'s statement?`}>
      <span>Retract this statement? It leaves the feed and stays in the record, marked as retracted.</span>
      <button type="button" className="small danger" disabled={retract.isPending} onClick={() => retract.mutate()}>
        {retract.isPending ? 'Retracting…' : 'Retract it'}
      </button>
      <button type="button" className="small" onClick={() => setAsking(false)} autoFocus>
        Keep it
      </button>
      {retract.error ? (
        <p className="error" role="alert">
          {describeError(retract.error)}
        </p>
      ) : null}
    </div>
  );
}
