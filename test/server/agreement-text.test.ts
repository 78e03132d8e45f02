import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ACCORD, accordTable, type AccordPerson } from '../fixtures/accord.ts';

const N = `/api/negotiations/${ACCORD}`;
type Who = AccordPerson;
const accord = accordTable('agreement-text');
const call = accord.call;
const agreeText = (who: Who, version: string, partyId: string) =>
  call(who, 'PUT', `${N}/versions/${version}/agreement`, { partyId });
const events = async (action: string) =>
  accord.store.db.selectFrom('audit_events').select(['action', 'after']).where('action', '=', action).execute();

describe('agreeing the whole text ad referendum in one step', () => {
  test('only the principal or lead of the party agrees the text for it, never a negotiator, another party or a mediator', async () => {
    const negotiator = await agreeText('atNeg', 'acc-v1', 'at');
    assert.equal(negotiator.status, 403);
    assert.match(negotiator.body.detail, /only the principal or the lead of Atlantis/);
    const forAnother = await agreeText('at', 'acc-v1', 'bo');
    assert.equal(forAnother.status, 403);
    assert.match(forAnother.body.detail, /Borduria/);
    assert.equal((await agreeText('mediator', 'acc-v1', 'at')).status, 403);
    const unknown = await agreeText('at', 'acc-v1', 'zz');
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.field, 'partyId');
    const noText = await agreeText('at', 'acc-nope', 'at');
    assert.equal(noText.status, 404);
    assert.equal((await events('agreement.mark_text')).length, 0, 'a refusal records nothing');
    assert.equal((await events('agreement.mark')).length, 0);
  });

  test('marks every point the party is at the table on and that has no bracket open, in one audit event; a point in brackets waits', async () => {
    const view = (await agreeText('at', 'acc-v1', 'at')).body;
    const state = (id: string) => view.status.points.find((p: any) => p.pointId === id);
    assert.deepEqual(state('acc-p1').agreedBy, ['at']);
    assert.deepEqual(state('acc-p3').agreedBy, ['at'], "the track's point, Atlantis being of the track");
    assert.deepEqual(state('acc-p2').agreedBy, [], 'the point in brackets is not marked');
    const recorded = await events('agreement.mark_text');
    assert.equal(recorded.length, 1);
    assert.deepEqual(JSON.parse(String(recorded[0]!.after)).pointIds, ['acc-p1', 'acc-p3']);
    // Again: nothing new to mark, nothing recorded.
    assert.equal((await agreeText('at', 'acc-v1', 'at')).status, 200);
    assert.equal((await events('agreement.mark_text')).length, 1);
  });

  test("a party outside a track agrees the text without marking, or learning of, the track's point", async () => {
    const answer = await agreeText('ca', 'acc-v1', 'ca');
    assert.equal(answer.status, 200, answer.text);
    assert.ok(!answer.text.includes('acc-p3') && !answer.text.includes('Sea lanes'));
    const marks = await accord.store.db
      .selectFrom('agreement_marks')
      .select(['point_id'])
      .where('party_id', '=', 'ca')
      .execute();
    assert.deepEqual(
      marks.map((m) => m.point_id),
      ['acc-p1'],
    );
  });

  test('a party every point of whose is still in brackets is told to have them closed first, and nothing is recorded', async () => {
    const base = (await call('mediator', 'GET', `${N}/versions/acc-v1`)).body;
    const made = await call('mediator', 'POST', `${N}/versions`, {
      parentId: 'acc-v1',
      kind: 'draft',
      label: 'Everything in brackets',
      authorPartyId: null,
      points: base.points.map((p: any) =>
        p.id === 'acc-p1'
          ? {
              ...p,
              text: 'The parties cease fire [[acc-when]].',
              brackets: [
                {
                  id: 'acc-when',
                  alternatives: [
                    { text: 'at once', proposedBy: ['at'] },
                    { text: 'in a week', proposedBy: ['ca'] },
                  ],
                },
              ],
            }
          : p,
      ),
    });
    assert.equal(made.status, 201, made.text);
    await call('mediator', 'POST', `${N}/versions/${made.body.id}/transmit`, { partyIds: ['at', 'bo', 'ca'] });
    const before_ = (await events('agreement.mark_text')).length;
    const refused = await agreeText('ca', made.body.id, 'ca');
    assert.equal(refused.status, 409);
    assert.match(
      refused.body.detail,
      /every point of "Everything in brackets" that Carpania is at the table on still has a bracket open/,
    );
    assert.equal((await events('agreement.mark_text')).length, before_);
  });

  test('the bracket closed, each party agrees the new text at once, and the last completes and locks it', async () => {
    const closed = await call('mediator', 'POST', `${N}/versions/acc-v1/brackets/acc-cap/close`, {
      choose: 1,
      agreedBy: ['at', 'bo', 'ca'],
    });
    assert.equal(closed.status, 201, closed.text);
    const next = closed.body.version.id as string;
    await call('mediator', 'POST', `${N}/versions/${next}/transmit`, { partyIds: ['at', 'bo', 'ca'] });
    // Closing the bracket of the text under negotiation carries it to the new text.
    assert.equal((await call('at', 'GET', `${N}/versions/${next}/agreement`)).body.underNegotiation, true);
    for (const party of ['at', 'bo', 'ca'] as const) {
      const answer = await agreeText(party, next, party);
      assert.equal(answer.status, 200, answer.text);
    }
    assert.equal((await call('mediator', 'POST', `${N}/tracks/acc-sea/close`)).status, 200);
    const now = (await call('bo', 'GET', `${N}/agreement`)).body;
    assert.equal(now.obstacles, 'The agreement is complete.');
    assert.ok(now.lockedAt);
    const locked = await agreeText('at', next, 'at');
    assert.equal(locked.status, 409);
    assert.match(locked.body.detail, /locked/);
  });
});
