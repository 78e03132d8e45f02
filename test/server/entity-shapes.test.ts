import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { z } from 'zod';
import * as entity from '../../src/core/schemas.ts';
import type * as model from '../../src/core/model.ts';
import { genevaScenario as scenario } from '../../src/demo/geneva.ts';
import * as s from '../../src/server/schemas.ts';
import { userByEmail } from '../../src/store/accounts.ts';
import { listIssues } from '../../src/store/issues.ts';
import { listMembers, type Member } from '../../src/store/members.ts';
import { listNegotiations } from '../../src/store/negotiations.ts';
import { listParties } from '../../src/store/parties.ts';
import { listPositions } from '../../src/store/positions.ts';
import { listPreferences } from '../../src/store/preferences.ts';
import { listRedLines } from '../../src/store/red-lines.ts';
import { listRounds } from '../../src/store/rounds.ts';
import { listStatements } from '../../src/store/statements.ts';
import { Store } from '../../src/store/store.ts';
import { listTracks } from '../../src/store/tracks.ts';
import { listRules } from '../../src/store/rules.ts';
import { listVersions } from '../../src/store/texts.ts';
import { versionApprovals, type ApprovalView, type TextApprovalState } from '../../src/store/transmission.ts';
import type { Delivery } from '../../src/store/versions.ts';
import { demoDatabase } from '../helpers.ts';

/*
 * Each entity's shape is written once, in core/schemas.ts: core/model.ts's types are its schemas'
 * output, and the HTTP API answers with the same schemas. These checks keep it so.
 *
 * At compile time (`tsc --noEmit`), the output of every response schema is the type the store hands
 * the route: a response schema written anew beside the model, or a view type of the store that
 * gains or loses a field, no longer compiles. At run time, every entity of the demo, as written and
 * as the store reads it back, parses with its schema into exactly itself: a field the schema does
 * not name (which the response writer would drop without a word) or one it misses fails here.
 */

/** True when A and B are the same type (not merely assignable one way). */
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** The type with every intersection and interface spelled out as one object, all the way down. */
type Plain<T> = T extends (infer U)[] ? Plain<U>[] : T extends object ? { [K in keyof T]: Plain<T[K]> } : T;
/** Compiles only when the schema's output is exactly `T`. */
const sameShape = <T, S extends z.ZodType>(_: Equals<Plain<T>, Plain<z.output<S>>>) => {};

sameShape<model.Negotiation, typeof s.negotiationSchema>(true);
sameShape<model.Party, typeof s.partySchema>(true);
sameShape<model.User, typeof s.userSchema>(true);
sameShape<model.Membership, typeof s.membershipSchema>(true);
sameShape<Member, typeof s.memberSchema>(true);
sameShape<model.Point, typeof s.pointSchema>(true);
sameShape<model.VersionView, typeof s.versionSchema>(true);
sameShape<model.VersionView & Delivery, typeof s.deliverySchema>(true);
sameShape<model.Position, typeof s.positionSchema>(true);
sameShape<model.Issue, typeof s.issueSchema>(true);
sameShape<model.RedLineConstraint, typeof s.constraintSchema>(true);
sameShape<model.RedLine, typeof s.redLineSchema>(true);
sameShape<model.Preference, typeof s.preferenceSchema>(true);
sameShape<model.Round, typeof s.roundSchema>(true);
sameShape<model.PublicStatement, typeof s.statementSchema>(true);
sameShape<model.Track, typeof s.trackSchema>(true);
sameShape<model.TransmissionRule, typeof s.transmissionRuleSchema>(true);
type RuleApprovals = z.ZodType<z.output<typeof s.textApprovalsSchema>['rules'][number]>;
sameShape<TextApprovalState, RuleApprovals>(true);
sameShape<ApprovalView, z.ZodType<z.output<RuleApprovals>['approvals'][number]>>(true);
// The view differs from the decision only where the reader may be refused the hash or the comment.
sameShape<Omit<model.Approval, 'contentHash' | 'comment'>, z.ZodType<Omit<ApprovalView, 'contentHash' | 'comment'>>>(
  true,
);

const json = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;

/** Parses `value` with `schema` and asserts nothing was added, dropped or changed on the way. */
function assertExactly(schema: z.ZodType, value: unknown, what: string): void {
  const parsed = schema.safeParse(value);
  assert.ok(parsed.success, `${what} breaks its schema: ${parsed.error?.message}`);
  assert.deepEqual(json(parsed.data), json(value), `${what} holds a field its schema does not name, or misses one`);
}

function assertAll(schema: z.ZodType, values: readonly { id: string }[], what: string): void {
  assert.ok(values.length > 0, `the demo holds some ${what}`);
  for (const value of values) assertExactly(schema, value, `${what} ${value.id}`);
}

describe("the demo's entities are exactly what their schemas describe", () => {
  test('as the scenario writes them', () => {
    const negotiationId = scenario.negotiation.id;
    const stored = <T extends object>(items: T[]) => items.map((item) => ({ ...item, negotiationId, revision: 1 }));
    assertExactly(entity.negotiationSchema, { ...scenario.negotiation, revision: 1 }, 'the negotiation');
    assertAll(entity.partySchema, stored(scenario.parties), 'party');
    assertAll(
      entity.userSchema,
      scenario.users.map(({ memberships: _, ...user }) => user),
      'user',
    );
    assertAll(entity.issueSchema, stored(scenario.issues), 'issue');
    assertAll(
      entity.versionSchema,
      scenario.versions.map(({ recipientPartyIds: _, ...version }) => ({ ...version, negotiationId })),
      'version',
    );
    assertAll(entity.positionSchema, stored(scenario.positions), 'position');
    assertAll(entity.redLineSchema, stored(scenario.redLines), 'red line');
    assertAll(entity.preferenceSchema, stored(scenario.preferences), 'preference');
    assertAll(entity.roundSchema, stored(scenario.rounds), 'round');
    assertAll(
      entity.publicStatementSchema,
      scenario.statements.map((statement) => ({ ...statement, negotiationId })),
      'statement',
    );
    assertAll(entity.trackSchema, stored(scenario.tracks), 'track');
    assertAll(entity.transmissionRuleSchema, stored(scenario.transmissionRules), 'transmission rule');
    assertAll(
      entity.approvalSchema,
      scenario.approvals.map((approval) => ({ ...approval, contentHash: 'a'.repeat(64) })),
      'approval',
    );
  });

  describe('as the store reads them back', () => {
    let store: Store;
    before(async () => {
      store = await Store.open(await demoDatabase());
    });
    after(() => store.close());

    test('every collection, read whole by the operator of the database', async () => {
      const ctx = await store.operatorContext(scenario.negotiation.id);
      const mediator = await userByEmail(store, 'mediator@demo.parley');
      assert.ok(mediator);
      assertExactly(entity.userSchema, mediator, 'the mediator');
      assertAll(entity.negotiationSchema, await listNegotiations(store, mediator), 'negotiation');
      assertAll(entity.membershipSchema, ctx.memberships, 'membership');
      assertAll(s.memberSchema, await listMembers(store, ctx), 'member');
      assertAll(entity.partySchema, await listParties(store, ctx), 'party');
      assertAll(entity.issueSchema, await listIssues(store, ctx), 'issue');
      const versions = await listVersions(store, ctx);
      assertAll(entity.versionViewSchema, versions, 'version');
      assertAll(entity.positionSchema, await listPositions(store, ctx), 'position');
      assertAll(entity.redLineSchema, await listRedLines(store, ctx), 'red line');
      assertAll(entity.preferenceSchema, await listPreferences(store, ctx), 'preference');
      assertAll(entity.roundSchema, await listRounds(store, ctx), 'round');
      assertAll(entity.publicStatementSchema, await listStatements(store, ctx), 'statement');
      assertAll(entity.trackSchema, await listTracks(store, ctx), 'track');
      assertAll(entity.transmissionRuleSchema, await listRules(store, ctx), 'transmission rule');
      const approvals = [];
      for (const version of versions)
        for (const rule of (await versionApprovals(store, ctx, version.id)).rules) approvals.push(...rule.approvals);
      // The operator reads every decision whole: the decision as the store keeps it.
      assertAll(entity.approvalSchema, approvals, 'approval');
    });
  });
});
