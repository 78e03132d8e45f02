import { useState } from 'react';
import { useLocation } from 'wouter';
import { createDraft } from '../api/drafts';
import { describeError } from '../api/client';
import type { Seat, Version } from '../api/queries';

/**
 * "Draft a new text from this version": opens a draft of the table's text for a mediator, of the
 * reader's party for a delegate, and goes to the drafting page. Nothing for a reader who writes no text.
 */
export function DraftFromVersion({ id, seat, version }: { id: string; seat: Seat; version: Version }) {
  const [, navigate] = useLocation();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const partyId = seat.isMediator ? null : (seat.party?.id ?? null);
  if (!seat.isMediator && partyId === null) return null;
  const open = async () => {
    setBusy(true);
    setError(null);
    try {
      const draft = await createDraft(id, { baseVersionId: version.id, partyId, label: `${version.label} (draft)` });
      navigate(`/draft/${encodeURIComponent(draft.id)}`);
    } catch (e) {
      setError(describeError(e));
      setBusy(false);
    }
  };
  return (
    <p className="row">
      <button type="button" onClick={() => void open()} disabled={busy}>
        Draft a new text from this version
      </button>
      {error ? <span role="alert">{error}</span> : null}
    </p>
  );
}
