import { hashPassword } from '../store/passwords.ts';
import { insertEntity } from '../store/collections.ts';
import type { CreatedEntity } from '../store/audit-kinds.ts';
import type { Store } from '../store/store.ts';
import { insertVersion } from '../store/versions.ts';
import { documentProblems } from '../core/document.ts';
import { contentHash, optionLabels } from '../core/transmission.ts';
import { insertApproval } from '../store/transmission.ts';
import { attributionsOf, type AmendmentData } from '../store/amendments.ts';
import { consolidate } from '../core/amendments.ts';
import type { Scenario, ScenarioAmendment } from './scenario.ts';

/** The password of every demo account. Demo only: never use these accounts outside a demonstration. */
export const DEMO_PASSWORD = 'parley-demo';
/** The demo's administrator, who sees everything (for `parley export` and the audit). */
export const DEMO_ADMIN_EMAIL = 'admin@demo.parley';

/**
 * Loads a whole scenario in one transaction, with one audit event per thing created. Fails without
 * writing anything if the negotiation exists already or the scenario's documents break a rule.
 */
export async function loadScenario(store: Store, scenario: Scenario, password = DEMO_PASSWORD): Promise<void> {
  for (const version of scenario.versions) {
    const problem = documentProblems(version.points)[0];
    if (problem) throw new Error(`scenario version ${version.id}: ${problem.path}: ${problem.message}`);
  }
  // One hash of the public demo password for every demo account: hashing is slow on purpose, and
  // distinct salts protect nothing when the password is printed in the README.
  const demoHash = await hashPassword(password);
  const id = scenario.negotiation.id;
  const at = store.nowIso();
  const labels = optionLabels(scenario.issues);
  await store.change(null, async (trx, record) => {
    const exists = await trx.selectFrom('negotiations').select('id').where('id', '=', id).executeTakeFirst();
    if (exists) throw new Error(`the database already holds the negotiation "${id}"`);
    const created = (entity: CreatedEntity, entityId: string, after: unknown) =>
      record({ action: `${entity}.create`, entityId, negotiationId: id, before: null, after });

    const admin = await trx.selectFrom('users').select('id').where('email', '=', DEMO_ADMIN_EMAIL).executeTakeFirst();
    if (!admin) {
      const user = { id: 'u-admin', email: DEMO_ADMIN_EMAIL, name: 'Demo administrator', isAdmin: true };
      await trx
        .insertInto('users')
        .values({
          id: user.id,
          email: user.email,
          name: user.name,
          password_hash: demoHash,
          is_admin: 1,
          created_at: at,
        })
        .execute();
      await record({
        action: 'user.create',
        entityId: user.id,
        negotiationId: null,
        before: null,
        after: user,
      });
    }
    const { createdAt, ...negotiation } = scenario.negotiation;
    await trx
      .insertInto('negotiations')
      .values({ id, revision: 1, data: JSON.stringify({ ...negotiation, createdAt }), created_at: createdAt })
      .execute();
    await created('negotiation', id, scenario.negotiation);

    for (const party of scenario.parties) {
      await insertEntity(trx, 'parties', { ...party, negotiationId: id, revision: 1 });
      await created('party', party.id, party);
    }
    for (const user of scenario.users) {
      const { memberships, ...account } = user;
      await trx
        .insertInto('users')
        .values({
          id: user.id,
          email: user.email,
          name: user.name,
          password_hash: demoHash,
          is_admin: user.isAdmin ? 1 : 0,
          created_at: at,
        })
        .execute();
      await record({
        action: 'user.create',
        entityId: user.id,
        negotiationId: null,
        before: null,
        after: account,
      });
      for (const [index, membership] of memberships.entries()) {
        const membershipId = `m-${user.id}-${index + 1}`;
        await trx
          .insertInto('memberships')
          .values({
            id: membershipId,
            negotiation_id: id,
            user_id: user.id,
            party_id: membership.partyId,
            role: membership.role,
            title: membership.title,
          })
          .execute();
        await created('membership', membershipId, { userId: user.id, ...membership });
      }
    }
    for (const track of scenario.tracks) {
      await insertEntity(trx, 'tracks', { ...track, negotiationId: id, revision: 1 });
      await created('track', track.id, track);
    }
    for (const issue of scenario.issues) {
      await insertEntity(trx, 'issues', { ...issue, negotiationId: id, revision: 1 });
      await created('issue', issue.id, issue);
    }
    for (const { recipientPartyIds, ...version } of scenario.versions) {
      await insertVersion(trx, { ...version, negotiationId: id }, recipientPartyIds, version.createdAt, labels);
      await created('version', version.id, { ...version, recipientPartyIds });
    }
    const owned = [
      ['positions', 'position', scenario.positions],
      ['redLines', 'red_line', scenario.redLines],
      ['preferences', 'preference', scenario.preferences],
      ['rounds', 'round', scenario.rounds],
      ['statements', 'statement', scenario.statements],
    ] as const;
    for (const [collection, entity, items] of owned) {
      for (const item of items) {
        await insertEntity(trx, collection, { ...item, negotiationId: id, revision: 1 } as never);
        await created(entity, item.id, item);
      }
    }
    for (const rule of scenario.transmissionRules) {
      await insertEntity(trx, 'transmissionRules', { ...rule, negotiationId: id, revision: 1 });
      await created('transmission_rule', rule.id, rule);
    }
    for (const decision of scenario.approvals) {
      const version = scenario.versions.find((v) => v.id === decision.versionId);
      if (!version) throw new Error(`scenario approval ${decision.id}: no version "${decision.versionId}"`);
      const approval = { ...decision, contentHash: contentHash(version, labels) };
      await insertApproval(trx, record, id, approval);
    }
    for (const amendment of scenario.amendments ?? []) {
      const { versionId, partyId, change, justification, createdBy, tabledTo, tabledAt, decision } = amendment;
      const data: AmendmentData = {
        change,
        justification,
        createdBy,
        tabledAt,
        decision: decision && { ...decision, proposedChange: null },
        withdrawnAt: null,
        orphanedReason: null,
        consolidatedIn: amendment.consolidatedIn ?? null,
        carriedFrom: [],
      };
      const state = amendment.consolidatedIn
        ? 'consolidated'
        : decision
          ? decision.decision === 'accept'
            ? 'accepted'
            : 'rejected'
          : tabledTo
            ? 'tabled'
            : 'draft';
      await trx
        .insertInto('amendments')
        .values({
          id: amendment.id,
          negotiation_id: id,
          version_id: versionId,
          party_id: partyId,
          state,
          tabled_to: tabledTo,
          revision: 1,
          data: JSON.stringify(data),
          created_at: amendment.createdAt,
        })
        .execute();
      // The same events, in the same shapes, as the store's commands write.
      const event = (
        action: 'amendment.propose' | 'amendment.table' | 'amendment.decide',
        before: unknown,
        after: unknown,
      ) => record({ action, entityId: amendment.id, negotiationId: id, before, after });
      await event('amendment.propose', null, {
        versionId,
        partyId,
        ...data,
        tabledAt: null,
        decision: null,
        consolidatedIn: null,
      });
      if (tabledTo)
        await event('amendment.table', { state: 'draft', tabledTo: null }, { state: 'tabled', tabledTo, tabledAt });
      if (decision) await event('amendment.decide', { state: 'tabled' }, { ...data.decision, change });
    }
    for (const version of scenario.versions) {
      const folded = (scenario.amendments ?? []).filter((a) => a.consolidatedIn === version.id);
      if (folded.length === 0) continue;
      const attributions = consolidatedAttributions(scenario, version, folded);
      await trx
        .insertInto('version_attributions')
        .values({ version_id: version.id, negotiation_id: id, data: JSON.stringify(attributions) })
        .execute();
      await record({
        action: 'amendment.consolidate',
        entityId: version.id,
        negotiationId: id,
        before: { versionId: version.parentId },
        after: { consolidated: folded.map((a) => a.id), carried: [], orphaned: [] },
      });
    }
  });
}

/**
 * The spans the amendments folded into a version brought to it, by consolidating them into its parent
 * as the pen-holder would; fails when that does not give the version's wording.
 */
function consolidatedAttributions(
  scenario: Scenario,
  version: Scenario['versions'][number],
  folded: ScenarioAmendment[],
) {
  const parent = scenario.versions.find((v) => v.id === version.parentId);
  if (!parent) throw new Error(`scenario version ${version.id}: amendments are folded into a child of their version`);
  const stray = folded.find((a) => a.versionId !== parent.id);
  if (stray) throw new Error(`scenario amendment ${stray.id}: it amends ${stray.versionId}, not ${parent.id}`);
  const made = consolidate(parent.points, folded, {
    newPointId: (amendmentId) => folded.find((a) => a.id === amendmentId)?.newPointId ?? amendmentId,
  });
  const wording = (points: typeof made.points) => points.map((p) => [p.id, p.number, p.title, p.text]);
  if (JSON.stringify(wording(made.points)) !== JSON.stringify(wording(version.points)))
    throw new Error(
      `scenario version ${version.id}: consolidating ${folded.map((a) => a.id).join(', ')} does not give its wording`,
    );
  return attributionsOf(made, new Map(folded.map((a) => [a.id, a.partyId])));
}
