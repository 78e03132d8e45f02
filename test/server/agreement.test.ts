import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { ACCORD, accordTable, type AccordPerson } from '../fixtures/accord.ts';

const N = `/api/negotiations/${ACCORD}`;
type Who = AccordPerson;
const accord = accordTable('agreement');
const call = accord.call;
async function must(who: Who, method: string, url: string, body?: unknown, status = 200) {
  const answer = await call(who, method, url, body);
  assert.equal(answer.status, status, `${method} ${url} as ${who}: ${answer.text}`);
  return answer.body;
}
const mark = (who: Who, version: string, point: string, partyId: string) =>
  call(who, 'PUT', `${N}/versions/${version}/points/${point}/agreement`, { partyId });

/** A new text of the table from `parent`, with `change` applied to its points, sent to `to`. */
async function newText(parent: string, change: (points: any[]) => any[], to = ['at', 'bo', 'ca'], label = 'next') {
  const base = await must('mediator', 'GET', `${N}/versions/${parent}`);
  const made = await must(
    'mediator',
    'POST',
    `${N}/versions`,
    {
      parentId: parent,
      kind: 'draft',
      label,
      authorPartyId: null,
      points: change(structuredClone(base.points)),
    },
    201,
  );
  await must('mediator', 'POST', `${N}/versions/${made.id}/transmit`, { partyIds: to });
  return made.id as string;
}

describe('marks of agreement ad referendum', () => {
  test("a party's lead marks a point agreed for its party, and the status names who agreed and who is awaited", async () => {
    const view = (await mark('at', 'acc-v1', 'acc-p1', 'at')).body;
    const p1 = view.status.points.find((p: any) => p.pointId === 'acc-p1');
    assert.deepEqual(p1.agreedBy, ['at']);
    assert.deepEqual(p1.awaiting, ['bo', 'ca']);
    assert.equal(p1.agreed, false);
    assert.match(view.obstacles, /3 points not agreed: 1, 2, 3/);
    assert.match(view.obstacles, /awaiting Borduria on 1, 2, 3; Carpania on 1, 2/);
    assert.doesNotMatch(view.obstacles, /\bat\b|acc-/, 'names, never ids');
    // The same wording marked again changes nothing.
    const again = (await mark('at', 'acc-v1', 'acc-p1', 'at')).body;
    assert.deepEqual(again.status, view.status);
  });

  test('only the principal or lead of a party at the table marks for it', async () => {
    const negotiator = await mark('atNeg', 'acc-v1', 'acc-p1', 'at');
    assert.equal(negotiator.status, 403);
    assert.match(negotiator.body.detail, /only the principal or the lead of Atlantis/);
    const forAnother = await mark('at', 'acc-v1', 'acc-p1', 'bo');
    assert.equal(forAnother.status, 403);
    assert.match(forAnother.body.detail, /Borduria/);
    const mediator = await mark('mediator', 'acc-v1', 'acc-p1', 'at');
    assert.equal(mediator.status, 403);
    // Carpania is outside the track of point 3: the point is not there for it, as a made-up one.
    const outside = await mark('ca', 'acc-v1', 'acc-p3', 'ca');
    const madeUp = await mark('ca', 'acc-v1', 'acc-nope', 'ca');
    assert.equal(outside.status, 404);
    assert.equal(outside.text.replace('acc-p3', 'X'), madeUp.text.replace('acc-nope', 'X'));
    const unknownParty = await mark('at', 'acc-v1', 'acc-p1', 'zz');
    assert.equal(unknownParty.status, 400);
    assert.equal(unknownParty.body.field, 'partyId');
  });

  test('a track outsider learns only the numbers of its points and whether they are agreed', async () => {
    await mark('bo', 'acc-v1', 'acc-p3', 'bo');
    const view = await must('ca', 'GET', `${N}/versions/acc-v1/agreement`);
    const p3 = view.status.points.find((p: any) => p.number === 3);
    assert.deepEqual(p3, {
      pointId: null,
      number: 3,
      agreed: false,
      agreedBy: [],
      awaiting: [],
      voidMarks: [],
      openBrackets: null,
      withheld: true,
    });
    assert.match(view.obstacles, /1 track you are not part of open/);
    for (const secret of ['acc-p3', 'acc-sea', 'Sea lanes', 'straits'])
      assert.ok(!view_text(view).includes(secret), `Carpania reads "${secret}"`);
    const inside = await must('at', 'GET', `${N}/versions/acc-v1/agreement`);
    assert.match(inside.obstacles, /the track "Sea lanes" open/);
    assert.deepEqual(inside.status.points.find((p: any) => p.pointId === 'acc-p3').agreedBy, ['bo']);
  });

  test('an edit of the point voids the marks on it, visibly; an untouched point keeps them', async () => {
    await mark('bo', 'acc-v1', 'acc-p1', 'bo');
    const v2 = await newText('acc-v1', (points) => {
      points[0].text = 'The parties cease fire along the whole line of contact.';
      return points;
    });
    const view = await must('at', 'GET', `${N}/versions/${v2}/agreement`);
    const p1 = view.status.points.find((p: any) => p.pointId === 'acc-p1');
    assert.deepEqual(p1.agreedBy, []);
    assert.deepEqual(
      p1.voidMarks.map((m: any) => m.partyId),
      ['at', 'bo'],
    );
    assert.match(view.obstacles, /void since the wording changed: Atlantis on 1; Borduria on 1/);
    const p3 = view.status.points.find((p: any) => p.pointId === 'acc-p3');
    assert.deepEqual(p3.agreedBy, ['bo'], "the track point's wording did not change: Borduria's mark holds");
    // Taking a mark back: gone from the status.
    const taken = await must('bo', 'DELETE', `${N}/versions/${v2}/points/acc-p3/agreement?partyId=bo`);
    assert.deepEqual(taken.status.points.find((p: any) => p.pointId === 'acc-p3').agreedBy, []);
  });
});

function view_text(view: unknown): string {
  return JSON.stringify(view);
}

describe('brackets closed by the pen-holder, and their life', () => {
  let withBracket: string;
  let closed: string;
  before(async () => {
    withBracket = await newText('acc-v1', (points) => points, undefined, 'bracketed');
  });

  test('only the pen-holder closes a bracket', async () => {
    const lead = await call('at', 'POST', `${N}/versions/${withBracket}/brackets/acc-cap/close`, {
      choose: 1,
      agreedBy: ['at', 'bo'],
    });
    assert.equal(lead.status, 403);
    assert.match(lead.body.detail, /mediators/);
  });

  test('closing chooses an alternative in the next version, and records with whose agreement', async () => {
    const answer = await must(
      'mediator',
      'POST',
      `${N}/versions/${withBracket}/brackets/acc-cap/close`,
      { choose: 1, agreedBy: ['at', 'bo'] },
      201,
    );
    closed = answer.version.id;
    assert.equal(answer.version.parentId, withBracket);
    const p2 = answer.version.points.find((p: any) => p.id === 'acc-p2');
    assert.equal(p2.text, 'The army is capped at 800,000 troops.');
    assert.deepEqual(p2.brackets, []);
    assert.deepEqual(answer.closure.how, { chosen: 1 });
    assert.deepEqual(answer.closure.agreedBy, ['at', 'bo']);
    const lives = await must('mediator', 'GET', `${N}/versions/${closed}/brackets`);
    const life = lives.lives.find((l: any) => l.bracketId === 'acc-cap');
    assert.deepEqual(life.closed.how, { chosen: 1 });
    assert.equal(life.closed.versionId, closed);
    assert.deepEqual(life.closure.agreedByNames, ['Atlantis', 'Borduria']);
    assert.equal(life.closure.by, 'Mina Mediator');
    assert.deepEqual(
      lives.counts.map((c: any) => c.open),
      [1, 1, 0],
    );
  });

  test('a bracket closed twice, or not in the version, is refused with what to do', async () => {
    const twice = await call('mediator', 'POST', `${N}/versions/${withBracket}/brackets/acc-cap/close`, {
      drop: true,
      agreedBy: ['at'],
    });
    assert.equal(twice.status, 409);
    assert.match(twice.body.detail, /already closed in this version by Mina Mediator/);
    const gone = await call('mediator', 'POST', `${N}/versions/${closed}/brackets/acc-cap/close`, {
      drop: true,
      agreedBy: ['at'],
    });
    assert.equal(gone.status, 404);
    assert.match(gone.body.detail, /it was closed on/);
    const both = await call('mediator', 'POST', `${N}/versions/${withBracket}/brackets/acc-cap/close`, {
      choose: 0,
      drop: true,
      agreedBy: ['at'],
    });
    assert.equal(both.status, 400);
    const outOfRange = await call('mediator', 'POST', `${N}/versions/acc-v1/brackets/acc-cap/close`, {
      choose: 5,
      agreedBy: ['at'],
    });
    assert.equal(outOfRange.status, 400);
    assert.equal(outOfRange.body.field, 'choose');
  });
});

describe('nothing is agreed until everything is agreed: complete, locked, reopened', () => {
  let text: string;
  before(async () => {
    // A text without brackets, made current.
    text = await newText('acc-v1', (points) =>
      points.map((p: any) =>
        p.id === 'acc-p2' ? { ...p, text: 'The army is capped at 700,000 troops.', brackets: [] } : p,
      ),
    );
    const negotiation = await must('mediator', 'GET', N);
    await must('mediator', 'PATCH', N, { revision: negotiation.revision, currentVersionId: text });
  });

  test('a track closes only when its points are agreed, and the refusal names them', async () => {
    const refused = await call('mediator', 'POST', `${N}/tracks/acc-sea/close`);
    assert.equal(refused.status, 409);
    assert.match(refused.body.detail, /point 3 is not/);
    const byLead = await call('at', 'POST', `${N}/tracks/acc-sea/close`);
    assert.equal(byLead.status, 403);
  });

  test('every point agreed and the track closed: complete, and the text locked', async () => {
    for (const [who, party] of [
      ['at', 'at'],
      ['bo', 'bo'],
      ['ca', 'ca'],
    ] as const)
      for (const point of ['acc-p1', 'acc-p2', ...(party === 'ca' ? [] : ['acc-p3'])]) {
        const answer = await mark(who, text, point, party);
        assert.equal(answer.status, 200, answer.text);
      }
    const before_ = await must('at', 'GET', `${N}/agreement`);
    assert.equal(before_.obstacles, 'the track "Sea lanes" open');
    await must('mediator', 'POST', `${N}/tracks/acc-sea/close`);
    const now = await must('ca', 'GET', `${N}/agreement`);
    assert.equal(now.obstacles, 'The agreement is complete.');
    assert.equal(now.status.overall.complete, true);
    assert.ok(now.lockedAt);
  });

  test('a locked text takes no new version, no mark taken back and no bracket closed', async () => {
    const version = await call('mediator', 'POST', `${N}/versions`, {
      parentId: text,
      kind: 'draft',
      label: 'after',
      authorPartyId: null,
      points: (await must('mediator', 'GET', `${N}/versions/${text}`)).points,
    });
    assert.equal(version.status, 409);
    assert.match(version.body.detail, /locked/);
    const proposal = await call('at', 'POST', `${N}/versions`, {
      parentId: text,
      kind: 'proposal',
      label: 'a counter',
      authorPartyId: 'at',
      points: (await must('at', 'GET', `${N}/versions/${text}`)).points,
    });
    assert.equal(proposal.status, 409);
    const takeBack = await call('at', 'DELETE', `${N}/versions/${text}/points/acc-p1/agreement?partyId=at`);
    assert.equal(takeBack.status, 409);
    const bracket = await call('mediator', 'POST', `${N}/versions/acc-v1/brackets/acc-cap/close`, {
      choose: 0,
      agreedBy: ['at'],
    });
    assert.equal(bracket.status, 409);
    const amendment = await call('at', 'POST', `${N}/versions/${text}/amendments`, {
      partyId: 'at',
      change: {
        kind: 'deletePoint',
        pointId: 'acc-p1',
        quote: (await must('at', 'GET', `${N}/versions/${text}`)).points[0].title,
      },
      justification: 'late second thoughts',
    });
    assert.equal(amendment.status, 409, amendment.text);
    assert.match(amendment.body.detail, /locked/);
    const negotiation = await must('mediator', 'GET', N);
    const moved = await call('mediator', 'PATCH', N, { revision: negotiation.revision, currentVersionId: 'acc-v1' });
    assert.equal(moved.status, 409, 'the text under negotiation stays while the agreement on it is complete');
  });

  test('only a mediator reopens a point, with a reason, and the record keeps it', async () => {
    const byLead = await call('at', 'POST', `${N}/agreement/reopen`, { pointId: 'acc-p1', reason: 'x' });
    assert.equal(byLead.status, 403);
    const noReason = await call('mediator', 'POST', `${N}/agreement/reopen`, { pointId: 'acc-p1', reason: ' ' });
    assert.equal(noReason.status, 400);
    const reopened = await must('mediator', 'POST', `${N}/agreement/reopen`, {
      pointId: 'acc-p1',
      reason: 'Borduria asks to revisit the line of contact',
    });
    assert.equal(reopened.lockedAt, null);
    assert.equal(reopened.status.points.find((p: any) => p.pointId === 'acc-p1').agreed, false);
    assert.match(reopened.obstacles, /1 point not agreed: 1/);
    const event = await accord.store.db
      .selectFrom('audit_events')
      .select(['action', 'after'])
      .where('action', '=', 'agreement.reopen')
      .executeTakeFirstOrThrow();
    assert.match(String(event.after), /Borduria asks to revisit the line of contact/);
    const lock = await accord.store.db
      .selectFrom('audit_events')
      .select('action')
      .where('action', '=', 'agreement.lock')
      .execute();
    assert.equal(lock.length, 1);
    // Unlocked: the mediator may write the next text again.
    await newText(text, (points) => points, undefined, 'reopened');
  });
});

describe('provenance, as each reader may know it', () => {
  let v3: string;
  let v2: string;
  const brought = 'and the islands';
  before(async () => {
    // Borduria's amendment, never tabled, folded in by the mediator; an earlier text Carpania never received.
    v2 = await newText(
      'acc-v1',
      (points) => points.map((p: any) => (p.id === 'acc-p1' ? { ...p, title: 'Ceasefire and truce' } : p)),
      ['at', 'bo'],
      'for two',
    );
    const base = await must('mediator', 'GET', `${N}/versions/${v2}`);
    const p1 = base.points.find((p: any) => p.id === 'acc-p1');
    const text = `${p1.text.slice(0, -1)} ${brought}.`;
    const start = text.indexOf(brought);
    await accord.store.change(null, async (trx) => {
      await trx
        .insertInto('amendments')
        .values({
          id: 'am-bo',
          negotiation_id: ACCORD,
          version_id: v2,
          party_id: 'bo',
          state: 'consolidated',
          tabled_to: null,
          revision: 1,
          data: '{}',
          created_at: '2026-01-03T00:00:00.000Z',
        })
        .execute();
    });
    const negotiation = await must('mediator', 'GET', N);
    if (negotiation.lockedAt) throw new Error('locked');
    v3 = await newText(v2, (points) => points.map((p: any) => (p.id === 'acc-p1' ? { ...p, text } : p)));
    await accord.store.change(null, async (trx) => {
      await trx
        .insertInto('version_attributions')
        .values({
          version_id: v3,
          negotiation_id: ACCORD,
          data: JSON.stringify([
            {
              pointId: 'acc-p1',
              field: 'text',
              start,
              end: start + brought.length,
              amendmentId: 'am-bo',
              partyId: 'bo',
            },
          ]),
        })
        .execute();
    });
  });

  /** Every character of each field covered once, in order. */
  function assertCovers(provenance: any, version: any) {
    for (const point of version.points)
      for (const field of ['title', 'text']) {
        const spans = provenance[point.id][field];
        let at = 0;
        for (const span of spans) {
          assert.equal(span.start, at, `${point.id}.${field}`);
          assert.ok(span.end > span.start);
          at = span.end;
        }
        assert.equal(at, point[field].length, `${point.id}.${field} covered to its end`);
      }
  }

  test('the party whose amendment brought words sees it; no one else learns of it, the mediators included', async () => {
    const own = await must('bo', 'GET', `${N}/versions/${v3}/provenance`);
    assert.ok(own.provenance['acc-p1'].text.some((s: any) => s.amendmentId === 'am-bo' && s.partyId === 'bo'));
    for (const who of ['at', 'ca', 'mediator'] as const) {
      const seen = await must(who, 'GET', `${N}/versions/${v3}/provenance`);
      const text = JSON.stringify(seen);
      assert.ok(!text.includes('am-bo'), `${who} learns of the amendment`);
      assert.ok(!text.includes('"partyId":"bo"'), `${who} learns its party`);
      assertCovers(seen.provenance, await must(who, 'GET', `${N}/versions/${v3}`));
    }
  });

  test('tabled to the table, the amendment and its party are known to all', async () => {
    await accord.store.change(null, async (trx) => {
      await trx.updateTable('amendments').set({ tabled_to: 'table' }).where('id', '=', 'am-bo').execute();
    });
    const seen = await must('ca', 'GET', `${N}/versions/${v3}/provenance`);
    assert.ok(seen.provenance['acc-p1'].text.some((s: any) => s.amendmentId === 'am-bo' && s.partyId === 'bo'));
  });

  test('a version the reader never received is not named: its words read as the first text they did receive', async () => {
    const seen = await must('ca', 'GET', `${N}/versions/${v3}/provenance`);
    assert.ok(!JSON.stringify(seen).includes(v2), 'Carpania learns the id of a text it never received');
    assert.deepEqual(
      seen.provenance['acc-p1'].title.map((s: any) => [s.start, s.end, s.versionId]),
      [
        [0, 9, 'acc-v1'],
        [9, 19, v3],
      ],
      "the title's words from the text Carpania never received read as brought by the next one it did",
    );
    const atlantis = await must('at', 'GET', `${N}/versions/${v3}/provenance`);
    assert.deepEqual(
      atlantis.provenance['acc-p1'].title.map((s: any) => s.versionId),
      ['acc-v1', v2],
    );
    // Outside the track: no provenance of its point.
    assert.equal(seen.provenance['acc-p3'], undefined);
    assert.ok(atlantis.provenance['acc-p3']);
  });
});

describe('a bracket resolved in the text', () => {
  test('property: the chosen wording stands where the placeholder stood; a dropped one leaves no doubled space', async () => {
    const fc = (await import('fast-check')).default;
    const { resolvePlaceholder } = await import('../../src/store/brackets.ts');
    const words = fc.stringMatching(/^[a-z]{1,6}( [a-z]{1,6}){0,3}$/);
    fc.assert(
      fc.property(
        words,
        words,
        fc.constantFrom('', ' ', '.', ', ', ' and'),
        fc.constantFrom('', ' '),
        words,
        (head, tail, after, before, chosen) => {
          const text = `${head}${before} [[br-x]]${after} ${tail}`;
          const placed = resolvePlaceholder(text, 'br-x', chosen);
          assert.equal(placed, `${head}${before} ${chosen}${after} ${tail}`);
          const dropped = resolvePlaceholder(text, 'br-x', '');
          assert.ok(!dropped.includes('[['), dropped);
          assert.ok(!/ {2}/.test(dropped) || / {2}/.test(text.replace(' [[br-x]]', '')), dropped);
          assert.ok(!/ [.,]/.test(dropped) || / [.,]/.test(text.replace('[[br-x]]', '')), dropped);
        },
      ),
    );
  });
});
