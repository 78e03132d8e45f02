import { languageSchema } from '../core/schemas.ts';
import { setLanguages } from './languages.ts';
import { invalid } from '../core/errors.ts';
import type { Bracket, Id, Negotiation, Point, User, VersionView } from '../core/model.ts';
import type { RecognisedText } from '../formats/types.ts';
import { createNegotiation, updateNegotiation } from './negotiations.ts';
import type { NegotiationContext, Store } from './store.ts';
import { document, getVersion } from './texts.ts';
import { createVersion } from './versions.ts';

/** What a person says about the version an import makes; the rest follows from who they are. */
export interface ImportOptions {
  label?: string;
  summary?: string;
  /** The version it follows: the text under negotiation (as the reader sees it) when not given. */
  parentId?: Id | null;
  /** The party it is written for; a mediator writes for the table (null), a delegate for their party. */
  authorPartyId?: Id | null;
  /** The file's name, for the version's source. */
  fileName?: string;
}

/**
 * A new version of a negotiation from a recognised text, written as creating a version is (the same
 * policy: a mediator for the table, a delegate for their party). Points whose title (or else number)
 * is that of a point of the version it follows keep that point's id, track and issues, so the text
 * compares point by point and a track's point stays in its track; a bracket with the same alternatives
 * keeps its id.
 */
export async function importVersion(
  store: Store,
  ctx: NegotiationContext,
  recognised: RecognisedText,
  options: ImportOptions = {},
): Promise<VersionView> {
  const parent =
    options.parentId === null
      ? null
      : options.parentId !== undefined
        ? await getVersion(store, ctx, options.parentId)
        : await document(store, ctx).catch(() => null);
  const authorPartyId = options.authorPartyId !== undefined ? options.authorPartyId : defaultAuthor(ctx);
  return createVersion(store, ctx, {
    parentId: parent?.id ?? null,
    kind: parent && authorPartyId !== null ? 'proposal' : 'draft',
    label: options.label?.trim() || `${recognised.title} (imported)`.slice(0, 300),
    summary: options.summary ?? '',
    authorPartyId,
    points: matchedPoints(recognised.points, parent?.points ?? [], () => store.id()),
    optionChoices: parent?.optionChoices ?? {},
    source: `imported from ${options.fileName ? `"${options.fileName}"` : 'a file'}`,
  });
}

/**
 * A new negotiation from a recognised text: who may open one is as `createNegotiation` says (any
 * signed-in account, who convenes it); its first version is the text, the table's, and current.
 */
export async function importNegotiation(
  store: Store,
  user: User,
  recognised: RecognisedText,
  options: { title?: string; summary?: string; label?: string; fileName?: string } = {},
): Promise<{ negotiation: Negotiation; version: VersionView }> {
  const title = options.title?.trim() || recognised.title;
  const created = await createNegotiation(store, user, { title, summary: options.summary ?? '' });
  // A text in another language than English (an Akoma Ntoso expression says its own) is drafted in it.
  const lang = languageSchema.safeParse(recognised.lang);
  if (lang.success && lang.data !== 'en')
    await setLanguages(store, await store.context(user, created.id), created.revision, {
      drafting: lang.data,
      others: [],
      authentic: [lang.data],
      prevailing: null,
    });
  const ctx = await store.context(user, created.id);
  const version = await importVersion(store, ctx, recognised, {
    parentId: null,
    authorPartyId: null,
    label: options.label ?? 'Imported text',
    fileName: options.fileName,
  });
  const negotiation = await updateNegotiation(store, await store.context(user, created.id), ctx.negotiation.revision, {
    currentVersionId: version.id,
  });
  return { negotiation, version };
}

/** The author a person writes for when they do not say: the table for a mediator, else their party. */
function defaultAuthor(ctx: NegotiationContext): Id | null {
  if (ctx.scope.isMediator) return null;
  const seat = ctx.memberships.find((m) => m.userId === ctx.user.id && m.partyId !== null);
  if (!seat?.partyId)
    throw invalid('authorPartyId', 'you sit at the table for no party; name the party the text is written for');
  return seat.partyId;
}

const normal = (title: string) => title.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();

/** The recognised points with the ids of the parent's points they continue, and new ids for the rest. */
export function matchedPoints(recognised: Point[], parent: Point[], newId: () => Id): Point[] {
  const used = new Set<Id>();
  const byTitle = new Map<string, Point>();
  for (const point of parent)
    if (normal(point.title) && !byTitle.has(normal(point.title))) byTitle.set(normal(point.title), point);
  const matches = recognised.map((point) => {
    const match = normal(point.title) ? byTitle.get(normal(point.title)) : undefined;
    if (match && !used.has(match.id)) {
      used.add(match.id);
      return match;
    }
    return undefined;
  });
  recognised.forEach((point, index) => {
    if (matches[index]) return;
    const sameNumber = parent.find((p) => p.number === point.number && !used.has(p.id));
    if (sameNumber) {
      used.add(sameNumber.id);
      matches[index] = sameNumber;
    }
  });
  return recognised.map((point, index) => {
    const match = matches[index];
    const ids = new Map<Id, Id>();
    const brackets: Bracket[] = point.brackets.map((bracket) => {
      const same = match?.brackets.find(
        (b) =>
          b.alternatives.length === bracket.alternatives.length &&
          b.alternatives.every((a, i) => a.text === bracket.alternatives[i]!.text),
      );
      const id = same && ![...ids.values()].includes(same.id) ? same.id : newId();
      ids.set(bracket.id, id);
      // A new bracket's proposers and choices name parties and options of wherever the file came
      // from: they are not this negotiation's, so only the wording is kept.
      return same && id === same.id
        ? { ...same }
        : { id, alternatives: bracket.alternatives.map((alternative) => ({ text: alternative.text, proposedBy: [] })) };
    });
    const text = point.text.replace(/\[\[([^\]\s]+)\]\]/g, (whole, id: string) =>
      ids.has(id) ? `[[${ids.get(id)}]]` : whole,
    );
    return {
      id: match?.id ?? newId(),
      number: point.number,
      title: point.title,
      text,
      brackets,
      issueIds: match?.issueIds ?? [],
      trackId: match?.trackId ?? null,
    };
  });
}
