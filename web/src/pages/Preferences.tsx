import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { api, unwrap } from '../api/client';
import {
  keys,
  useIssues,
  useParties,
  usePreferences,
  useSeat,
  useUtilities,
  useVersions,
  type Issue,
  type Party,
  type Preference,
  type Seat,
} from '../api/queries';
import { Await, Failure, Loading } from '../components/Status';
import { StaleNotice, useProblems, useRevisedDraft } from '../components/forms';
import './Forms.css';

type Visibility = Preference['visibility'];
/** What the form holds, as typed (numbers stay text until saved, so a half-typed one is not lost). */
interface Draft {
  weights: Record<string, string>;
  scores: Record<string, Record<string, string>>;
  reservation: string;
  visibility: Visibility;
  illustrative: boolean;
  note: string;
}

const VISIBILITY_WORDS: Record<Visibility, string> = {
  party: 'Within the party',
  mediator: 'Shared with the mediators',
};

function draftOf(preference: Preference | undefined, issues: Issue[]): Draft {
  const live = issues.filter((i) => i.options.length > 0);
  const even = live.length > 0 ? round(1 / live.length) : 0;
  return {
    weights: Object.fromEntries(live.map((i) => [i.id, String(preference ? (preference.weights[i.id] ?? 0) : even)])),
    scores: Object.fromEntries(
      live.map((i) => [
        i.id,
        Object.fromEntries(i.options.map((o) => [o.id, String(preference?.scores[i.id]?.[o.id] ?? '')])),
      ]),
    ),
    reservation: String(preference?.reservation ?? 0),
    visibility: preference?.visibility ?? 'party',
    illustrative: preference?.illustrative ?? false,
    note: preference?.note ?? '',
  };
}

const round = (n: number) => Math.round(n * 1000) / 1000;
const number = (text: string) => (text.trim() === '' ? Number.NaN : Number(text));
/** Whether a typed number is one between 0 and 1. */
const unit = (text: string) => number(text) >= 0 && number(text) <= 1;

/** A party's preferences: how much each issue weighs for it, how it scores each option, what no deal is worth. */
export default function PreferencesPage({ id }: { id: string }) {
  const seat = useSeat(id);
  const parties = useParties(id);
  const issues = useIssues(id);
  const preferences = usePreferences(id);
  const [chosen, setChosen] = useState<string | null>(null);
  const f = useId();
  if (seat.isPending || parties.isPending || issues.isPending || preferences.isPending)
    return <Loading what="the preferences" />;
  if (!seat.data || !parties.data || !issues.data || !preferences.data)
    return <Failure error={seat.error ?? parties.error ?? issues.error ?? preferences.error} what="the preferences" />;
  const own = parties.data.filter((p) => seat.data.partyIds.includes(p.id));
  const partyId = chosen ?? own[0]?.id ?? null;
  const name = (pid: string) => parties.data.find((p) => p.id === pid)?.name ?? 'a party no longer listed';
  return (
    <div className="forms-page">
      <h1>Preferences</h1>
      <p className="lede">
        A party&rsquo;s preferences say what each outcome is worth to it: a weight per issue (the weights add up to 1)
        and a score per option, from 0 (worst) to 1 (best). The settlement analysis computes on them. They are never
        public: kept within the party, or shared with the mediators.
      </p>
      {own.length > 1 ? (
        <p>
          <label htmlFor={`${f}-party`}>Preferences of </label>
          <select id={`${f}-party`} value={partyId ?? ''} onChange={(e) => setChosen(e.target.value)}>
            {own.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </p>
      ) : null}
      {partyId ? (
        <PreferenceForm
          key={partyId}
          id={id}
          seat={seat.data}
          party={own.find((p) => p.id === partyId)!}
          issues={issues.data}
          preference={preferences.data.find((p) => p.partyId === partyId)}
        />
      ) : null}
      {partyId ? <ImpliedUtilities id={id} partyId={partyId} partyName={name(partyId)} /> : null}
      {seat.data.isMediator ? <SharedPreferences list={preferences.data} issues={issues.data} name={name} /> : null}
    </div>
  );
}

function PreferenceForm({
  id,
  seat,
  party,
  issues,
  preference,
}: {
  id: string;
  seat: Seat;
  party: Party;
  issues: Issue[];
  preference: Preference | undefined;
}) {
  const client = useQueryClient();
  const f = useId();
  const live = issues.filter((i) => i.options.length > 0);
  /** The draft, the state it was opened or last saved from, and its revision. */
  const { draft, setDraft, setBase, revision, setRevision, reapply, takeCurrent } = useRevisedDraft<
    Draft,
    number | null
  >(() => draftOf(preference, issues), preference?.revision ?? null);
  const [done, setDone] = useState('');
  const [localError, setLocalError] = useState<{ field: string; detail: string } | null>(null);
  const fields = [
    'weights',
    'scores',
    'reservation',
    'visibility',
    'note',
    ...live.map((i) => `weights.${i.id}`),
    ...live.flatMap((i) => i.options.map((o) => `scores.${i.id}.${o.id}`)),
  ];
  const save = useMutation({
    mutationFn: ({ draft, revision }: { draft: Draft; revision: number | null }) =>
      unwrap(
        api.PUT('/api/negotiations/{id}/parties/{itemId}/preferences', {
          params: { path: { id, itemId: party.id } },
          body: {
            revision,
            weights: Object.fromEntries(Object.entries(draft.weights).map(([k, v]) => [k, number(v)])),
            scores: Object.fromEntries(
              Object.entries(draft.scores).map(([k, table]) => [
                k,
                Object.fromEntries(Object.entries(table).map(([o, v]) => [o, number(v)])),
              ]),
            ),
            reservation: number(draft.reservation),
            visibility: draft.visibility,
            illustrative: draft.illustrative,
            note: draft.note,
          },
        }),
      ),
    onSuccess: async (saved, sent) => {
      setRevision(saved.revision);
      setBase(sent.draft);
      setDone(`Saved (revision ${saved.revision}).`);
      await client.invalidateQueries({ queryKey: keys.preferences(id) });
    },
  });
  const problems = useProblems(save.error, fields);
  const stale = problems.stale as Preference | null | undefined;
  const sends = seat.sendingPartyIds.includes(party.id);
  const set = (patch: Partial<Draft>) => {
    setDone('');
    setDraft((d) => ({ ...d, ...patch }));
  };
  const total = round(Object.values(draft.weights).reduce((sum, w) => sum + (number(w) || 0), 0));
  const scale = () => {
    if (total <= 0) return;
    set({
      weights: Object.fromEntries(
        Object.entries(draft.weights).map(([k, w]) => [k, String(round((number(w) || 0) / total))]),
      ),
    });
  };
  /** Numbers the browser can check before asking: a blank one, or one outside 0 to 1, is named here by its issue and option. */
  const check = (): { field: string; detail: string } | null => {
    for (const issue of live) {
      if (!unit(draft.weights[issue.id] ?? ''))
        return { field: `weights.${issue.id}`, detail: `give “${issue.name}” a weight between 0 and 1` };
      for (const option of issue.options)
        if (!unit(draft.scores[issue.id]?.[option.id] ?? ''))
          return {
            field: `scores.${issue.id}.${option.id}`,
            detail: `give option “${option.label}” of “${issue.name}” a score between 0 and 1`,
          };
    }
    if (!unit(draft.reservation))
      return { field: 'reservation', detail: 'give the reservation value, a utility between 0 and 1' };
    return null;
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const problem = check();
    setLocalError(problem);
    if (!problem) save.mutate({ draft, revision });
  };
  const at = (field: string) =>
    localError?.field === field ? (
      <p className="error field-error" role="alert" id={`${f}-local`}>
        {localError.detail}
      </p>
    ) : (
      problems.at(field)
    );
  const control = (field: string) =>
    localError?.field === field
      ? ({ 'aria-invalid': true, 'aria-describedby': `${f}-local` } as const)
      : problems.control(field);
  if (live.length === 0) return <p className="status">There is no issue with options yet: nothing to weigh.</p>;
  return (
    <form className="form card" noValidate onSubmit={submit} aria-label={`Preferences of ${party.name}`}>
      <h2>Preferences of {party.name}</h2>
      <p className="hint">
        {preference
          ? `Saved at revision ${preference.revision}, ${VISIBILITY_WORDS[preference.visibility].toLowerCase()}.`
          : 'Not stated yet.'}
      </p>
      <div className="scroll">
        <table className="scores">
          <caption className="hint">Each issue&rsquo;s weight, and a score for each of its options</caption>
          <thead>
            <tr>
              <th scope="col">Issue</th>
              <th scope="col">Weight</th>
              <th scope="col">Scores of its options</th>
            </tr>
          </thead>
          <tbody>
            {live.map((issue) => (
              <tr key={issue.id}>
                <th scope="row">{issue.name}</th>
                <td>
                  <input
                    type="number"
                    min={0}
                    max={1}
                    step="any"
                    aria-label={`Weight of ${issue.name}`}
                    value={draft.weights[issue.id] ?? ''}
                    onChange={(e) => set({ weights: { ...draft.weights, [issue.id]: e.target.value } })}
                    {...control(`weights.${issue.id}`)}
                  />
                  {at(`weights.${issue.id}`)}
                </td>
                <td>
                  {issue.options.map((option) => (
                    <div key={option.id} className="row">
                      <input
                        type="number"
                        min={0}
                        max={1}
                        step="any"
                        id={`${f}-${issue.id}-${option.id}`}
                        aria-label={`Score of ${option.label} (${issue.name})`}
                        value={draft.scores[issue.id]?.[option.id] ?? ''}
                        onChange={(e) =>
                          set({
                            scores: {
                              ...draft.scores,
                              [issue.id]: { ...draft.scores[issue.id], [option.id]: e.target.value },
                            },
                          })
                        }
                        {...control(`scores.${issue.id}.${option.id}`)}
                      />
                      <label htmlFor={`${f}-${issue.id}-${option.id}`} className="check">
                        {option.label}
                        {option.retiredAt ? ' (retired)' : ''}
                      </label>
                      {at(`scores.${issue.id}.${option.id}`)}
                    </div>
                  ))}
                  {at(`scores.${issue.id}`)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="row" aria-live="polite">
        <span className={Math.abs(total - 1) > 1e-6 ? 'sum-off' : undefined} data-testid="weights-total">
          The weights add up to {total}
          {Math.abs(total - 1) > 1e-6 ? '; they must add up to 1.' : '.'}
        </span>
        <button type="button" className="small" onClick={scale} disabled={total <= 0 || Math.abs(total - 1) <= 1e-6}>
          Scale them to add up to 1
        </button>
      </p>
      {at('weights')}
      {at('scores')}
      <label htmlFor={`${f}-reservation`}>Reservation value (what no agreement is worth, 0 to 1)</label>
      <input
        id={`${f}-reservation`}
        type="number"
        min={0}
        max={1}
        step="any"
        value={draft.reservation}
        onChange={(e) => set({ reservation: e.target.value })}
        {...control('reservation')}
      />
      {at('reservation')}
      <fieldset {...problems.control('visibility')}>
        <legend>Who reads them</legend>
        {(Object.keys(VISIBILITY_WORDS) as Visibility[]).map((value) => (
          <label key={value} className="check">
            <input
              type="radio"
              name={`${f}-visibility`}
              checked={draft.visibility === value}
              disabled={value !== 'party' && !sends}
              onChange={() => set({ visibility: value })}
            />{' '}
            {VISIBILITY_WORDS[value]}
          </label>
        ))}
        {sends ? null : (
          <p className="hint">Only your party&rsquo;s principal or lead shares preferences with the mediators.</p>
        )}
        {problems.at('visibility')}
      </fieldset>
      <label className="check">
        <input type="checkbox" checked={draft.illustrative} onChange={(e) => set({ illustrative: e.target.checked })} />{' '}
        Illustrative: modelled for the example, not reported by the party
      </label>
      <label htmlFor={`${f}-note`}>Note (optional)</label>
      <textarea
        id={`${f}-note`}
        rows={2}
        value={draft.note}
        onChange={(e) => set({ note: e.target.value })}
        {...control('note')}
      />
      {at('note')}
      {stale ? (
        <StaleNotice
          what={`The preferences of ${party.name}`}
          busy={save.isPending}
          onReapply={() =>
            save.mutate({ draft: reapply(draftOf(stale, issues), stale.revision), revision: stale.revision })
          }
          onTakeCurrent={() => {
            takeCurrent(draftOf(stale, issues), stale.revision);
            save.reset();
          }}
        >
          <PreferenceSummary preference={stale} issues={issues} />
        </StaleNotice>
      ) : null}
      {problems.general}
      <button type="submit" className="primary" disabled={save.isPending}>
        {save.isPending ? 'Saving…' : 'Save the preferences'}
      </button>
      <p role="status" className="done">
        {done}
      </p>
    </form>
  );
}

/** Preferences in a line per issue: "Army size (weight 0.4): 600k 1, 800k 0.5". */
function PreferenceSummary({ preference, issues }: { preference: Preference; issues: Issue[] }) {
  return (
    <ul>
      {issues
        .filter((i) => i.id in preference.weights)
        .map((issue) => (
          <li key={issue.id}>
            {issue.name} (weight {preference.weights[issue.id]}):{' '}
            {issue.options.map((o) => `${o.label} ${preference.scores[issue.id]?.[o.id] ?? '–'}`).join(', ')}
          </li>
        ))}
      <li>
        Reservation value {preference.reservation}; {VISIBILITY_WORDS[preference.visibility].toLowerCase()}
      </li>
    </ul>
  );
}

/** What the saved preferences make each version the reader sees worth to the party (from the API; stored nowhere). */
function ImpliedUtilities({ id, partyId, partyName }: { id: string; partyId: string; partyName: string }) {
  const versions = useVersions(id);
  const utilities = useUtilities(
    id,
    versions.data?.map((v) => v.id),
  );
  return (
    <section className="card" aria-labelledby="implied-utilities">
      <h2 id="implied-utilities">What each version is worth to {partyName}</h2>
      <Await query={utilities} what="the utilities">
        {(data) => {
          const reservation = data.parties.find((p) => p.partyId === partyId)?.reservation;
          if (reservation === undefined)
            return <p className="hint">Save the preferences to see what each version is worth to {partyName}.</p>;
          const label = (vid: string) => versions.data?.find((v) => v.id === vid)?.label ?? 'a version';
          const pct = (n: number) => `${Math.round(n * 100)}`;
          return (
            <>
              <p className="hint">
                From the saved preferences: 0 is the worst outcome on every issue, 100 the best. Below the reservation
                value ({pct(reservation)}), {partyName} would rather have no agreement.
              </p>
              <ul data-testid="implied-utilities">
                {data.versions.map((v) => {
                  const u = v.utilities.find((x) => x.partyId === partyId);
                  if (!u) return null;
                  const words =
                    u.utility !== null
                      ? `${pct(u.utility)}${u.utility < reservation ? ' (below the reservation value)' : ''}`
                      : u.lowest !== null && u.highest !== null
                        ? `between ${pct(u.lowest)} and ${pct(u.highest)}, as ${v.openIssueIds.length} issue${v.openIssueIds.length === 1 ? ' stays' : 's stay'} open`
                        : 'not known';
                  return (
                    <li key={v.versionId}>
                      {label(v.versionId)}: {words}
                    </li>
                  );
                })}
              </ul>
            </>
          );
        }}
      </Await>
    </section>
  );
}

/** For a mediator: the preferences the parties shared with the mediators. */
function SharedPreferences({
  list,
  issues,
  name,
}: {
  list: Preference[];
  issues: Issue[];
  name: (partyId: string) => string;
}) {
  return (
    <section className="card" aria-labelledby="shared-preferences">
      <h2 id="shared-preferences">Shared with the mediators</h2>
      {list.length === 0 ? (
        <p>No party has shared its preferences with the mediators.</p>
      ) : (
        list.map((p) => (
          <div key={p.id} className="form-item">
            <h3>
              {name(p.partyId)}
              {p.illustrative ? ' (illustrative)' : ''}
            </h3>
            <PreferenceSummary preference={p} issues={issues} />
          </div>
        ))
      )}
    </section>
  );
}
