import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { api, describeError, unwrap } from '../api/client';
import { keys, useDocument, useParties, useSeat, useTracks, useVersions, type Party, type Track } from '../api/queries';
import { pointNamer } from '../components/dashboardFormat';
import { Await, Failure, Loading } from '../components/Status';
import { listed, StaleNotice, useProblems, useRevisedDraft } from '../components/forms';
import './Forms.css';

interface Draft {
  name: string;
  description: string;
  partyIds: string[];
  pointIds: string[];
}
const FIELDS = ['name', 'description', 'partyIds', 'pointIds'] as const;
const draftOf = (track?: Track): Draft => ({
  name: track?.name ?? '',
  description: track?.description ?? '',
  partyIds: [...(track?.partyIds ?? [])],
  pointIds: [...(track?.pointIds ?? [])],
});

/** Tracks: separate formats, some points among some parties. A mediator opens and changes them; each party sees its own. */
export default function TracksPage({ id }: { id: string }) {
  const seat = useSeat(id);
  const parties = useParties(id);
  const versions = useVersions(id);
  const tracks = useTracks(id);
  const [editing, setEditing] = useState<string | null>(null);
  if (seat.isPending || parties.isPending) return <Loading what="the tracks" />;
  if (!seat.data || !parties.data) return <Failure error={seat.error ?? parties.error} what="the tracks" />;
  const mediator = seat.data.isMediator;
  const partyName = (pid: string) => parties.data.find((p) => p.id === pid)?.name ?? 'a party no longer listed';
  const pointName = pointNamer(versions.data);
  /** Parties in the order of the table, whatever order they were chosen in. */
  const inOrder = (ids: string[]) => parties.data.filter((p) => ids.includes(p.id)).map((p) => p.id);
  return (
    <div className="forms-page">
      <h1>Tracks</h1>
      <p className="lede">
        A track is a separate format: some points negotiated among some parties. Its points, and everything drawn from
        them, are seen only by the track&rsquo;s parties and the mediators.
      </p>
      {mediator ? (
        <details className="card add">
          <summary>Open a track</summary>
          <TrackForm id={id} parties={parties.data} />
        </details>
      ) : null}
      <section className="card" aria-labelledby="tracks-list">
        <h2 id="tracks-list">{mediator ? 'Tracks of this negotiation' : 'Tracks your party is in'}</h2>
        <Await query={tracks} what="the tracks">
          {(list) =>
            list.length === 0 ? (
              <p>{mediator ? 'No track is open.' : 'Your party is in no track.'}</p>
            ) : (
              <ul className="cards" data-testid="tracks">
                {list.map((track) => (
                  <li key={track.id} className="form-item" data-testid="track">
                    <h3>{track.name}</h3>
                    <p>Among {listed(inOrder(track.partyIds).map(partyName))}</p>
                    {track.description ? <p className="hint">{track.description}</p> : null}
                    <p className="hint">
                      {track.pointIds.length === 0
                        ? 'No point yet.'
                        : `Points: ${track.pointIds.map(pointName).join('; ')}`}
                    </p>
                    <p data-testid="track-state">
                      {track.closedAt ? `Closed on ${new Date(track.closedAt).toLocaleString()}` : 'Open'}
                    </p>
                    {mediator ? <CloseTrack id={id} track={track} /> : null}
                    {mediator ? (
                      editing === track.id ? (
                        <TrackForm id={id} parties={parties.data} track={track} onDone={() => setEditing(null)} />
                      ) : (
                        <button type="button" onClick={() => setEditing(track.id)} aria-label={`Change ${track.name}`}>
                          Change
                        </button>
                      )
                    ) : null}
                  </li>
                ))}
              </ul>
            )
          }
        </Await>
      </section>
    </div>
  );
}

/**
 * A mediator closes a track once its points are agreed (the last track closed may complete the
 * agreement), or reopens it; a refusal is shown in words.
 */
function CloseTrack({ id, track }: { id: string; track: Track }) {
  const client = useQueryClient();
  const change = useMutation({
    mutationFn: () => {
      const params = { params: { path: { id, trackId: track.id } } };
      return unwrap(
        track.closedAt
          ? api.POST('/api/negotiations/{id}/tracks/{trackId}/reopen', params)
          : api.POST('/api/negotiations/{id}/tracks/{trackId}/close', params),
      );
    },
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: keys.tracks(id) });
      void client.invalidateQueries({ queryKey: ['agreement', id] });
      void client.invalidateQueries({ queryKey: ['negotiation', id] });
    },
  });
  return (
    <>
      <button type="button" className="secondary" disabled={change.isPending} onClick={() => change.mutate()}>
        {track.closedAt ? `Reopen ${track.name}` : `Close ${track.name}`}
      </button>
      {change.error ? (
        <p className="error" role="alert">
          {describeError(change.error)}
        </p>
      ) : null}
    </>
  );
}

function TrackForm({
  id,
  parties,
  track,
  onDone,
}: {
  id: string;
  parties: Party[];
  track?: Track;
  onDone?: () => void;
}) {
  const client = useQueryClient();
  const f = useId();
  const document = useDocument(id);
  const versions = useVersions(id);
  const pointName = pointNamer(versions.data);
  /** The draft, the state it was opened or last saved from, and its revision. */
  const { draft, setDraft, revision, setRevision, reapply, takeCurrent } = useRevisedDraft<Draft, number>(
    () => draftOf(track),
    track?.revision ?? 0,
  );
  const [done, setDone] = useState('');
  const save = useMutation({
    mutationFn: ({ draft, revision }: { draft: Draft; revision: number }) =>
      track
        ? unwrap(
            api.PATCH('/api/negotiations/{id}/tracks/{itemId}', {
              params: { path: { id, itemId: track.id } },
              body: { revision, ...draft },
            }),
          )
        : unwrap(api.POST('/api/negotiations/{id}/tracks', { params: { path: { id } }, body: draft })),
    onSuccess: async (saved) => {
      await client.invalidateQueries({ queryKey: keys.tracks(id) });
      setRevision(saved.revision);
      setDone(track ? `Saved: ${saved.name}.` : `Opened: ${saved.name}.`);
      if (!track) setDraft(draftOf());
      onDone?.();
    },
  });
  const problems = useProblems(save.error, FIELDS);
  const stale = problems.stale as Track | null | undefined;
  const set = (patch: Partial<Draft>) => {
    setDone('');
    setDraft((d) => ({ ...d, ...patch }));
  };
  const toggle = (list: string[], value: string, on: boolean) =>
    on ? [...list.filter((x) => x !== value), value] : list.filter((x) => x !== value);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate({ draft, revision });
  };
  // The points of the current text, and any point the track already holds that it no longer has.
  const current = document.data?.points ?? [];
  const points = [
    ...current.map((p) => ({ id: p.id, name: `${p.number}. ${p.title}` })),
    ...draft.pointIds
      .filter((pid) => !current.some((p) => p.id === pid))
      .map((pid) => ({ id: pid, name: pointName(pid) })),
  ];
  return (
    <form className="form" noValidate onSubmit={submit} aria-label={track ? `Change ${track.name}` : 'Open a track'}>
      <label htmlFor={`${f}-name`}>Name</label>
      <input
        id={`${f}-name`}
        value={draft.name}
        maxLength={300}
        onChange={(e) => set({ name: e.target.value })}
        {...problems.control('name')}
      />
      {problems.at('name')}
      <label htmlFor={`${f}-description`}>Description (optional)</label>
      <textarea
        id={`${f}-description`}
        rows={2}
        value={draft.description}
        onChange={(e) => set({ description: e.target.value })}
        {...problems.control('description')}
      />
      {problems.at('description')}
      <fieldset {...problems.control('partyIds')}>
        <legend>Its parties (at least two)</legend>
        {parties.map((p) => (
          <label key={p.id} className="check">
            <input
              type="checkbox"
              checked={draft.partyIds.includes(p.id)}
              onChange={(e) => set({ partyIds: toggle(draft.partyIds, p.id, e.target.checked) })}
            />{' '}
            {p.name}
          </label>
        ))}
        {problems.at('partyIds')}
      </fieldset>
      <fieldset className="choices" {...problems.control('pointIds')}>
        <legend>Its points</legend>
        {document.isPending ? <Loading what="the points" /> : null}
        {points.map((p) => (
          <label key={p.id} className="check">
            <input
              type="checkbox"
              checked={draft.pointIds.includes(p.id)}
              onChange={(e) => set({ pointIds: toggle(draft.pointIds, p.id, e.target.checked) })}
            />{' '}
            {p.name}
          </label>
        ))}
        {problems.at('pointIds')}
      </fieldset>
      {stale ? (
        <StaleNotice
          what={`The track “${stale.name}”`}
          busy={save.isPending}
          onReapply={() => save.mutate({ draft: reapply(draftOf(stale), stale.revision), revision: stale.revision })}
          onTakeCurrent={() => {
            takeCurrent(draftOf(stale), stale.revision);
            save.reset();
          }}
        >
          <p>
            <strong>{stale.name}</strong>, among{' '}
            {listed(stale.partyIds.map((pid) => parties.find((p) => p.id === pid)?.name ?? 'a party no longer listed'))}
            ; points: {stale.pointIds.map(pointName).join('; ') || 'none'}
          </p>
        </StaleNotice>
      ) : null}
      {problems.general}
      <div className="row">
        <button type="submit" className="primary" disabled={save.isPending}>
          {save.isPending ? 'Saving…' : track ? 'Save the track' : 'Open the track'}
        </button>
        {onDone ? (
          <button type="button" onClick={onDone}>
            Cancel
          </button>
        ) : null}
      </div>
      <p role="status" className="done">
        {done}
      </p>
    </form>
  );
}
