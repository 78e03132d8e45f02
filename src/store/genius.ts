import { invalid } from '../core/errors.ts';
import type { Id, Issue, Membership, Negotiation, Party, Point, Preference, User, Version } from '../core/model.ts';
import { optionLabels } from '../core/transmission.ts';
import { documentProblems } from '../core/document.ts';
import { TEXT_LIMITS } from '../core/limits.ts';
import {
  GeniusMappingError,
  geniusExport,
  geniusImport,
  type GeniusFile,
  type GeniusImport,
} from '../formats/genius.ts';
import { insertEntity } from './collections.ts';
import { listIssues } from './issues.ts';
import { insertNegotiation } from './negotiations.ts';
import { listPreferences } from './preferences.ts';
import type { NegotiationContext, Store } from './store.ts';
import { insertVersion } from './versions.ts';

/**
 * GENIUS both ways at the store: a negotiation's issues and the preferences the reader may see out
 * as GENIUS files, and an ANAC domain with its profiles in as a new negotiation.
 */

function asInvalid(error: unknown): unknown {
  return error instanceof GeniusMappingError ? invalid(error.field, error.message) : error;
}

/**
 * The negotiation's issues and options as a GENIUS domain, and one GENIUS profile for each party
 * whose preferences the reader may see (as `GET …/preferences` lists them: their own party's, those
 * shared with the table, and for a mediator those shared with the mediators): exactly what the
 * settlement desk would use for this reader.
 */
export async function exportGenius(store: Store, ctx: NegotiationContext): Promise<GeniusFile[]> {
  const issues = await listIssues(store, ctx);
  const preferences = await listPreferences(store, ctx);
  try {
    return geniusExport(ctx.negotiation.title, issues, preferences, ctx.parties);
  } catch (error) {
    throw asInvalid(error);
  }
}

/** What an import made: the negotiation, and what the person should know about how it was read. */
export interface GeniusImported {
  negotiation: Negotiation;
  parties: { id: Id; name: string; file: string }[];
  issues: number;
  notes: string[];
}

/**
 * A new negotiation from an ANAC domain and its profiles: the domain's issues and options, one party
 * per profile (named after the file), each party's preferences from its profile shared with the
 * mediators, and a first text of the table with one point per issue, its options as a bracket's
 * alternatives. The importer convenes it (as `createNegotiation`: any signed-in account may) and is
 * its mediator. Everything is read and checked before anything is written, in one transaction.
 */
export async function importGenius(store: Store, user: User, files: GeniusFile[]): Promise<GeniusImported> {
  let imported: GeniusImport;
  try {
    imported = geniusImport(files);
  } catch (error) {
    throw asInvalid(error);
  }
  const now = store.nowIso();
  const negotiationId = store.id();
  const versionId = store.id();
  const negotiation: Negotiation = {
    id: negotiationId,
    title: imported.title,
    summary: `Imported from GENIUS files: ${files.map((f) => f.name).join(', ')}.`,
    currentVersionId: versionId,
    createdAt: now,
    revision: 1,
  };
  const convenor: Membership = {
    id: store.id(),
    negotiationId,
    userId: user.id,
    partyId: null,
    role: 'mediator',
    title: 'Convenor',
  };
  // Ids that sort as the files order them: the store lists issues and parties by id.
  const base = store.id();
  const nth = (n: number) => String(n + 1).padStart(3, '0');
  const issues: Issue[] = imported.issues.map((issue, i) => ({
    id: `${base}-issue-${nth(i)}`,
    negotiationId,
    name: issue.name,
    description: '',
    pointIds: [],
    options: issue.options.map((label, o) => ({ id: `${base}-issue-${nth(i)}-${nth(o)}`, label, description: '' })),
    revision: 1,
  }));
  const names = new Set<string>();
  const parties: Party[] = imported.parties.map((party, p) => {
    let name = party.name;
    for (let n = 2; names.has(name); n++) name = `${party.name} (${n})`;
    names.add(name);
    return {
      id: `${base}-party-${nth(p)}`,
      negotiationId,
      name,
      shortName: name.slice(0, 60),
      kind: 'party',
      memberPartyIds: [],
      pointIds: [],
      revision: 1,
    };
  });
  const preferences: Preference[] = imported.parties.map((party, p) => ({
    id: store.id(),
    negotiationId,
    partyId: parties[p]!.id,
    weights: Object.fromEntries(issues.map((issue, i) => [issue.id, party.weights[i]!])),
    scores: Object.fromEntries(
      issues.map((issue, i) => [
        issue.id,
        Object.fromEntries(issue.options.map((o, k) => [o.id, party.scores[i]![k]!])),
      ]),
    ),
    reservation: party.reservation,
    visibility: 'mediator',
    illustrative: false,
    note: `From the GENIUS profile ${party.file}`,
    revision: 1,
  }));
  // The first text: one point per issue; its options as a bracket's alternatives where a bracket holds them.
  const points: Point[] = issues.map((issue, i) => {
    const bracketId = `br-${issue.id}`;
    const fits =
      issue.options.length <= TEXT_LIMITS.alternativesPerBracket &&
      issue.options.reduce((n, o) => n + o.label.length, 0) < TEXT_LIMITS.pointText;
    return {
      id: store.id(),
      number: i + 1,
      title: issue.name,
      text: fits
        ? `${issue.name}: [[${bracketId}]]`
        : `${issue.name}: one of ${issue.options.length} options (see the issue).`,
      brackets: fits
        ? [
            {
              id: bracketId,
              alternatives: issue.options.map((o) => ({
                text: o.label,
                proposedBy: [],
                choices: { [issue.id]: o.id },
              })),
            },
          ]
        : [],
      issueIds: [issue.id],
      trackId: null,
    };
  });
  issues.forEach((issue, i) => (issue.pointIds = [points[i]!.id]));
  const problem = documentProblems(points)[0];
  if (problem) throw invalid('files', `the domain cannot be written as a text: ${problem.message}`);
  const version: Version = {
    id: versionId,
    negotiationId,
    parentId: null,
    kind: 'draft',
    label: `${imported.title} (GENIUS domain)`,
    summary: 'The issues of the GENIUS domain, one point each, its options in brackets.',
    authorPartyId: null,
    internal: false,
    points,
    optionChoices: {},
    source: files.find((f) => /domain|negotiation_template/i.test(f.name))?.name ?? null,
    createdAt: now,
    createdBy: user.id,
  };
  await store.change(user.id, async (trx, record) => {
    await insertNegotiation(trx, record, negotiation, convenor);
    const created = async (name: 'parties' | 'issues' | 'preferences', entity: string, value: { id: Id }) => {
      await insertEntity(trx, name, value as never);
      await record({
        action: `${entity}.create` as never,
        entityId: value.id,
        negotiationId,
        before: null,
        after: value,
      });
    };
    for (const party of parties) await created('parties', 'party', party);
    for (const issue of issues) await created('issues', 'issue', issue);
    for (const preference of preferences) await created('preferences', 'preference', preference);
    await insertVersion(trx, version, [], now, optionLabels(issues));
    await record({ action: 'version.create', entityId: version.id, negotiationId, before: null, after: version });
  });
  return {
    negotiation,
    parties: parties.map((party, p) => ({ id: party.id, name: party.name, file: imported.parties[p]!.file })),
    issues: issues.length,
    notes: imported.notes,
  };
}
