import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import { sql } from 'kysely';
import { DomainError } from '../../src/core/errors.ts';
import type { Point, Visibility } from '../../src/core/model.ts';
import { canSeeOwned } from '../../src/core/visibility.ts';
import { Store } from '../../src/store/store.ts';
import { TEST_ENGINE, freshDatabase } from '../helpers.ts';
import { createUser } from '../../src/store/accounts.ts';
import { createIssue, listIssues } from '../../src/store/issues.ts';
import { insertEntity } from '../../src/store/collections.ts';
import { seatMember } from '../../src/store/members.ts';
import { createNegotiation } from '../../src/store/negotiations.ts';
import { addParty } from '../../src/store/parties.ts';
import { createPosition, listPositions, updatePosition } from '../../src/store/positions.ts';
import { createRedLine, listRedLines } from '../../src/store/red-lines.ts';
import { createVersion, transmitVersion } from '../../src/store/versions.ts';
import { listVersions } from '../../src/store/texts.ts';

const point = (id: string, number: number, text: string): Point => ({
  id,
  number,
  title: `Point ${number}`,
  text,
  brackets: [],
  issueIds: [],
  trackId: null,
});

/** An issue with two options, for changes that need no more. */
const issue = (id: string) => ({
  id,
  name: `Issue ${id}`,
  description: '',
  pointIds: [],
  options: [
    { id: 'yes', label: 'Yes', description: '' },
    { id: 'no', label: 'No', description: '' },
  ],
});

/** A small negotiation built through the store itself: parties A, B and C, coalition AB, one mediator. */
async function smallNegotiation(file: string) {
  let clock = Date.parse('2026-01-05T09:00:00Z');
  const store = await Store.open(file, { now: () => new Date((clock += 1000)) });
  const admin = await createUser(store, null, {
    email: 'admin@example.org',
    name: 'Admin',
    password: 'admin-password',
    isAdmin: true,
  });
  const negotiation = await createNegotiation(store, admin, {
    title: 'Harbour agreement',
    summary: 'Three parties share a harbour.',
    id: 'harbour',
  });
  let ctx = await store.context(admin, negotiation.id);
  for (const id of ['a', 'b', 'c'])
    await addParty(store, ctx, {
      id,
      name: `Party ${id}`,
      shortName: id.toUpperCase(),
      kind: 'party',
      memberPartyIds: [],
    });
  ctx = await store.context(admin, negotiation.id);
  await addParty(store, ctx, {
    id: 'ab',
    name: 'Coalition AB',
    shortName: 'AB',
    kind: 'coalition',
    memberPartyIds: ['a', 'b'],
  });
  ctx = await store.context(admin, negotiation.id);
  const people: Record<string, Awaited<ReturnType<typeof createUser>>> = {};
  for (const [key, partyId, role] of [
    ['a', 'a', 'lead'],
    ['b', 'b', 'lead'],
    ['c', 'c', 'lead'],
    ['mediator', null, 'mediator'],
  ] as const) {
    people[key] = await createUser(store, admin.id, {
      email: `${key}@example.org`,
      name: key,
      password: 'long-password',
    });
    // The operator seats them directly: over HTTP a seat is an invitation the person accepts.
    await seatMember(store, await store.operatorContext(negotiation.id), {
      userId: people[key]!.id,
      partyId,
      role,
      title: '',
    });
  }
  const as = (key: string) => store.context(people[key]!, negotiation.id);
  return { store, admin, people, as, negotiationId: negotiation.id };
}

describe('store on a real SQLite file', () => {
  test('reads filtered in SQL return exactly what the core policy allows, for every reader and visibility', async () => {
    const { store, as } = await smallNegotiation(await freshDatabase('visibility'));
    const mediatorCtx = await as('mediator');
    const version = await createVersion(store, mediatorCtx, {
      parentId: null,
      kind: 'draft',
      label: 'Draft 1',
      summary: '',
      authorPartyId: null,
      internal: false,
      points: [point('p1', 1, 'Ships dock in turn.')],
      optionChoices: {},
      source: null,
    });
    await transmitVersion(store, mediatorCtx, version.id, ['a', 'b', 'c']);
    const visibilities: Visibility[] = ['party', 'mediator', 'public'];
    const created = [];
    for (const owner of ['a', 'b', 'c', 'ab']) {
      const ownerCtx = await as(owner === 'ab' ? 'a' : owner);
      for (const visibility of visibilities) {
        const issue = `${owner}-${visibility}`;
        created.push(
          await createRedLine(store, ownerCtx, {
            partyId: owner,
            title: issue,
            description: '',
            visibility,
            source: null,
            constraint: { kind: 'forbid', issueId: 'none', optionIds: ['x'] },
          }).catch((e) => e),
        );
      }
    }
    // Red lines need a real issue: the store refused them all, naming the constraint.
    assert.ok(created.every((e) => e instanceof DomainError && e.field === 'constraint'));

    await createIssue(store, mediatorCtx, {
      id: 'berths',
      name: 'Berths',
      description: '',
      pointIds: ['p1'],
      options: [
        { id: 'two', label: 'Two', description: '' },
        { id: 'four', label: 'Four', description: '' },
      ],
    });
    const all = [];
    for (const owner of ['a', 'b', 'c', 'ab']) {
      const ownerCtx = await as(owner === 'ab' ? 'b' : owner);
      for (const visibility of visibilities) {
        all.push(
          await createRedLine(store, ownerCtx, {
            partyId: owner,
            title: `${owner}-${visibility}`,
            description: '',
            visibility,
            source: null,
            constraint: { kind: 'forbid', issueId: 'berths', optionIds: ['two'] },
          }),
        );
        all.push(
          await createPosition(store, ownerCtx, {
            versionId: version.id,
            pointId: 'p1',
            partyId: owner === 'ab' ? 'ab' : owner,
            stance: 'support',
            proposedText: null,
            rationale: visibility,
            visibility,
            source: null,
          }).catch(() => null),
        );
      }
    }
    for (const reader of ['a', 'b', 'c', 'mediator']) {
      const ctx = await as(reader);
      const redLines = (await listRedLines(store, ctx)).map((r) => r.title).sort();
      const expected = all
        .filter(
          (item): item is NonNullable<typeof item> & { title: string } =>
            item !== null && 'title' in item && canSeeOwned(ctx.scope, item),
        )
        .map((r) => r.title)
        .sort();
      assert.deepEqual(redLines, expected, `red lines seen by ${reader}`);
      if (reader === 'a')
        assert.ok(
          redLines.includes('ab-party'),
          "a member of a coalition party sees the coalition's internal red line",
        );
      if (reader === 'c')
        assert.deepEqual(redLines, ['a-public', 'ab-public', 'b-public', 'c-mediator', 'c-party', 'c-public']);
      if (reader === 'mediator')
        assert.ok(!redLines.some((t) => t.endsWith('-party')), 'a mediator never sees internal material');
    }
  });

  test('a stale revision is refused with the current state, and the refused write changes nothing', async () => {
    const { store, as } = await smallNegotiation(await freshDatabase('revision'));
    const mediatorCtx = await as('mediator');
    const version = await createVersion(store, mediatorCtx, {
      parentId: null,
      kind: 'draft',
      label: 'Draft 1',
      summary: '',
      authorPartyId: null,
      internal: false,
      points: [point('p1', 1, 'Ships dock in turn.')],
      optionChoices: {},
      source: null,
    });
    await transmitVersion(store, mediatorCtx, version.id, ['a']);
    const aCtx = await as('a');
    const position = await createPosition(store, aCtx, {
      versionId: version.id,
      pointId: 'p1',
      partyId: 'a',
      stance: 'oppose',
      proposedText: null,
      rationale: 'first',
      visibility: 'public',
      source: null,
    });
    const [first, second] = await Promise.allSettled([
      updatePosition(store, aCtx, position.id, 1, { rationale: 'one writer' }),
      updatePosition(store, aCtx, position.id, 1, { rationale: 'another writer' }),
    ]);
    const outcomes = [first, second];
    assert.equal(
      outcomes.filter((o) => o.status === 'fulfilled').length,
      1,
      'exactly one of two writers based on revision 1 wins',
    );
    const refused = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
    assert.equal(refused.reason.kind, 'conflict');
    const winner = (outcomes.find((o) => o.status === 'fulfilled') as PromiseFulfilledResult<{ rationale: string }>)
      .value;
    assert.equal(refused.reason.current.revision, 2);
    assert.equal(refused.reason.current.rationale, winner.rationale);
    const stored = (await listPositions(store, aCtx)).find((p) => p.id === position.id)!;
    assert.equal(stored.rationale, winner.rationale);
    assert.equal(stored.revision, 2);
  });

  test('every change appends one chained audit event, and the chain survives reopening the file', async () => {
    const file = await freshDatabase('audit');
    const { store, as } = await smallNegotiation(file);
    const before = await store.verifyAudit();
    assert.ok(before.ok);
    const mediatorCtx = await as('mediator');
    await createVersion(store, mediatorCtx, {
      parentId: null,
      kind: 'draft',
      label: 'Draft 1',
      summary: '',
      authorPartyId: null,
      internal: false,
      points: [point('p1', 1, 'Ships dock in turn.')],
      optionChoices: {},
      source: null,
    });
    await assert.rejects(
      createVersion(store, mediatorCtx, {
        parentId: null,
        kind: 'draft',
        label: 'Broken',
        summary: '',
        authorPartyId: null,
        internal: false,
        points: [point('p1', 2, 'x')],
        optionChoices: {},
        source: null,
      }),
      (error: DomainError) => error.kind === 'invalid' && error.field === 'points[0].number',
    );
    const after = await store.verifyAudit();
    assert.ok(after.ok);
    assert.equal(after.events, before.events + 1, 'one event for the version; none for the refused one');
    const events = await store.db.selectFrom('audit_events').selectAll().orderBy('seq', 'desc').limit(1).execute();
    assert.equal(events[0]!.action, 'version.create');
    assert.equal(events[0]!.actor_id, mediatorCtx.user.id);
    await store.close();
    const reopened = await Store.open(file);
    assert.deepEqual(await reopened.verifyAudit(), after);
    await reopened.close();
  });

  test('changes sent at the same moment are all kept but the one that fails, which is undone alone, and the audit chain holds', async () => {
    const { store, as } = await smallNegotiation(await freshDatabase('together'));
    const mediatorCtx = await as('mediator');
    const before = await store.verifyAudit();
    assert.ok(before.ok);
    // Sent in one turn of the event loop, so they wait for the same commit.
    const outcomes = await Promise.allSettled([
      ...['i1', 'i2', 'i3'].map((id) => createIssue(store, mediatorCtx, issue(id))),
      // Writes an issue and its audit event, then fails: both must go, and only they.
      store.change(mediatorCtx.user.id, async (trx, record) => {
        await insertEntity(trx, 'issues', { ...issue('half'), negotiationId: mediatorCtx.negotiation.id, revision: 1 });
        await record({
          action: 'issue.create',
          entityId: 'half',
          negotiationId: null,
          before: null,
          after: {},
        });
        throw new DomainError('invalid', 'refused half-way');
      }),
      createIssue(store, mediatorCtx, issue('i4')),
      // The same id as i1: the database refuses it; the others stay.
      createIssue(store, mediatorCtx, issue('i1')),
      ...['i5', 'i6'].map((id) => createIssue(store, mediatorCtx, issue(id))),
    ]);
    assert.deepEqual(
      outcomes.map((o) => o.status),
      ['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled'],
    );
    assert.equal(((outcomes[3] as PromiseRejectedResult).reason as DomainError).message, 'refused half-way');
    assert.equal(((outcomes[5] as PromiseRejectedResult).reason as DomainError).kind, 'conflict');
    const stored = (await listIssues(store, mediatorCtx)).map((i) => i.id).sort();
    assert.deepEqual(stored, ['i1', 'i2', 'i3', 'i4', 'i5', 'i6']);
    const after = await store.verifyAudit();
    assert.ok(after.ok, 'the chain links every kept event');
    assert.equal(after.events, before.events + 6, 'one event for each kept change, none for the undone ones');
    const actions = await store.db
      .selectFrom('audit_events')
      .select('entity_id')
      .where('seq', '>', before.events)
      .orderBy('seq')
      .execute();
    // On SQLite a change reaches the commit queue in the order it was sent; on PostgreSQL the reads
    // before it are answered in any order, and so each is committed in the order it is ready.
    assert.deepEqual(
      TEST_ENGINE === 'sqlite' ? actions.map((a) => a.entity_id) : actions.map((a) => a.entity_id).sort(),
      ['i1', 'i2', 'i3', 'i4', 'i5', 'i6'],
      'in the order they were sent',
    );
  });

  test('a change that breaks the shared transaction fails alone: the changes sent with it are each committed on their own', async () => {
    const { store, as } = await smallNegotiation(await freshDatabase('breaks'));
    const mediatorCtx = await as('mediator');
    const outcomes = await Promise.allSettled([
      createIssue(store, mediatorCtx, issue('before')),
      // Ends the transaction it runs in, as a failing disk would.
      store.change(mediatorCtx.user.id, async (trx) => {
        await sql`rollback`.execute(trx);
      }),
      createIssue(store, mediatorCtx, issue('after')),
    ]);
    assert.deepEqual(
      outcomes.map((o) => o.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    assert.deepEqual((await listIssues(store, mediatorCtx)).map((i) => i.id).sort(), ['after', 'before']);
    assert.ok((await store.verifyAudit()).ok);
  });

  test('an internal draft stays inside its party, a proposal needs a base, and a party writes only for itself', async () => {
    const { store, as } = await smallNegotiation(await freshDatabase('drafts'));
    const aCtx = await as('a');
    const internal = await createVersion(store, aCtx, {
      parentId: null,
      kind: 'draft',
      label: 'Our draft',
      summary: '',
      authorPartyId: 'a',
      internal: true,
      points: [point('p1', 1, 'A keeps four berths.')],
      optionChoices: {},
      source: null,
    });
    assert.equal((await listVersions(store, await as('b'))).length, 0, 'another party does not see it');
    assert.equal((await listVersions(store, await as('mediator'))).length, 0, 'nor the mediator');
    assert.equal((await listVersions(store, aCtx)).length, 1);
    await assert.rejects(
      createVersion(store, aCtx, {
        parentId: null,
        kind: 'proposal',
        label: 'x',
        summary: '',
        authorPartyId: 'a',
        internal: false,
        points: [point('p1', 1, 'x')],
        optionChoices: {},
        source: null,
      }),
      /branched from a base/,
    );
    await assert.rejects(
      createVersion(store, aCtx, {
        parentId: internal.id,
        kind: 'proposal',
        label: 'x',
        summary: '',
        authorPartyId: 'b',
        internal: false,
        points: [point('p1', 1, 'x')],
        optionChoices: {},
        source: null,
      }),
      (e: DomainError) => e.kind === 'forbidden',
    );
  });

  test('the database enforces foreign keys (and an SQLite file runs with write-ahead logging)', async () => {
    const { store } = await smallNegotiation(await freshDatabase('pragmas'));
    if (TEST_ENGINE === 'sqlite') {
      const journal = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(store.db);
      assert.equal(journal.rows[0]!.journal_mode, 'wal');
      const keys = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(store.db);
      assert.equal(keys.rows[0]!.foreign_keys, 1);
    }
    await assert.rejects(
      store.db
        .insertInto('memberships')
        .values({
          id: 'm-x',
          negotiation_id: 'harbour',
          user_id: 'nobody',
          party_id: null,
          role: 'mediator',
          title: '',
        })
        .execute(),
      /FOREIGN KEY|foreign key/,
    );
  });

  test(
    'every commit waits for the disk (synchronous FULL), on a new file and on one opened again',
    { skip: TEST_ENGINE !== 'sqlite' && 'SQLite only: PostgreSQL waits for its own WAL' },
    async () => {
      const file = await freshDatabase('synchronous');
      for (let opening = 0; opening < 2; opening++) {
        const store = await Store.open(file);
        const mode = await sql<{ synchronous: number }>`pragma synchronous`.execute(store.db);
        await store.close();
        assert.equal(mode.rows[0]!.synchronous, 2, `opening ${opening + 1}`);
      }
    },
  );

  test(
    "another process's commit in the middle of a shared transaction fails no change but the one that read before it",
    {
      skip:
        TEST_ENGINE !== 'sqlite' &&
        "SQLite only: on PostgreSQL another Parley process's change waits for the write lock",
    },
    async () => {
      const file = await freshDatabase('snapshot');
      const { store, as } = await smallNegotiation(file);
      const mediatorCtx = await as('mediator');
      const other = new SqliteDatabase(file);
      other.pragma('busy_timeout = 5000');
      try {
        const outcomes = await Promise.allSettled([
          // Reads, then lets another connection commit before writing: its snapshot is stale.
          store.change(mediatorCtx.user.id, async (trx, record) => {
            await trx.selectFrom('issues').select('id').execute();
            other.prepare("update negotiations set revision = revision + 1 where id = 'harbour'").run();
            await record({
              action: 'negotiation.update',
              entityId: 'x',
              negotiationId: null,
              before: null,
              after: null,
            });
          }),
          ...['s1', 's2', 's3'].map((id) => createIssue(store, mediatorCtx, issue(id))),
        ]);
        assert.deepEqual(
          outcomes.slice(1).map((o) => o.status),
          ['fulfilled', 'fulfilled', 'fulfilled'],
        );
        assert.deepEqual((await listIssues(store, mediatorCtx)).map((i) => i.id).sort(), ['s1', 's2', 's3']);
        assert.ok((await store.verifyAudit()).ok);
      } finally {
        other.close();
      }
    },
  );

  test('a change that fails with no error at all is answered, and so is every change sent with it', async () => {
    const { store, as } = await smallNegotiation(await freshDatabase('nothing'));
    const mediatorCtx = await as('mediator');
    const outcomes = await Promise.allSettled([
      createIssue(store, mediatorCtx, issue('n1')),
      store.change(mediatorCtx.user.id, () => Promise.reject(undefined)),
      createIssue(store, mediatorCtx, issue('n2')),
    ]);
    assert.deepEqual(
      outcomes.map((o) => o.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    // The queue goes on: a later change is answered too.
    await createIssue(store, mediatorCtx, issue('n3'));
    assert.deepEqual((await listIssues(store, mediatorCtx)).map((i) => i.id).sort(), ['n1', 'n2', 'n3']);
  });
});
