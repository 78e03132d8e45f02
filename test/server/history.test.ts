// The history of a negotiation (`GET …/history`) and the receipts (`GET …/receipts`) as another party
// would try to read them: a party's untabled amendment, internal draft or party-only position never
// shows in another party's history, not as an event, an id, a label or a word; and the pages a
// reader walks with `nextBefore` hold every event it may read, once, newest first.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import fc from 'fast-check';
import type { Id, Visibility } from '../../src/core/model.ts';
import { proposeAmendment } from '../../src/store/amendments.ts';
import { createDraft } from '../../src/store/drafts.ts';
import { HISTORY_SCAN_LIMIT, history, listReceipts, type HistoryEntry, type Receipt } from '../../src/store/history.ts';
import { createPosition } from '../../src/store/positions.ts';
import { Store } from '../../src/store/store.ts';
import { getVersion } from '../../src/store/texts.ts';
import { createVersion, transmitVersion } from '../../src/store/versions.ts';
import { contextOf, demoDatabase, signIn, startServer, TEST_ENGINE } from '../helpers.ts';

type Ctx = Awaited<ReturnType<typeof contextOf>>;
const as = (store: Store, who: string) => contextOf(store, `${who}@demo.parley`);
const N = '/api/negotiations/geneva-2025';

/** Every history entry and receipt a reader may read, walking the pages to the first event. */
async function everything(
  store: Store,
  ctx: Ctx,
  limit = 200,
): Promise<{ entries: HistoryEntry[]; receipts: Receipt[] }> {
  const entries: HistoryEntry[] = [];
  for (let before: number | undefined, pages = 0; ; pages++) {
    assert.ok(pages < 10_000, 'the history pages end');
    const page = await history(store, ctx, { before, limit });
    entries.push(...page.entries);
    if (page.nextBefore === null) break;
    assert.ok(before === undefined || page.nextBefore < before, 'each page goes further back');
    before = page.nextBefore;
  }
  const receipts: Receipt[] = [];
  for (let before: number | undefined; ;) {
    const page = await listReceipts(store, ctx, { before, limit });
    receipts.push(...page.receipts);
    if (page.nextBefore === null) break;
    before = page.nextBefore;
  }
  return { entries, receipts };
}

/** The sequence numbers of the events about an entity (its id in the log). */
async function eventsAbout(store: Store, entityId: Id): Promise<number[]> {
  const rows = await store.db
    .selectFrom('audit_events')
    .select('seq')
    .where('negotiation_id', '=', 'geneva-2025')
    .where('entity_id', '=', entityId)
    .execute();
  return rows.map((r) => r.seq);
}

/** A party's internal draft: a text only its delegation reads. */
async function internalDraft(store: Store, ctx: Ctx, partyId: Id, label: string, words: string) {
  return createVersion(store, ctx, {
    parentId: null,
    kind: 'draft',
    label,
    summary: '',
    authorPartyId: partyId,
    internal: true,
    points: [{ id: 'p-own-1', number: 1, title: 'Article 1', text: words, brackets: [], issueIds: [], trackId: null }],
    optionChoices: {},
    source: null,
  });
}

/** A replace change of the first words of a point, as `ctx` reads the version. */
async function replaceStart(store: Store, ctx: Ctx, versionId: Id, pointId: Id, text: string) {
  const version = await getVersion(store, ctx, versionId);
  const point = version.points.find((p) => p.id === pointId);
  assert.ok(point, `no point ${pointId} in ${versionId}`);
  const quote = point.text.slice(0, 12);
  return { kind: 'replace' as const, pointId, field: 'text' as const, start: 0, end: quote.length, quote, text };
}

describe(`history: what another party never reads (${TEST_ENGINE})`, () => {
  let store: Store;
  let db: string;
  before(async () => {
    db = await demoDatabase();
    store = await Store.open(db);
  });

  test("Russia's history and receipts name neither Ukraine's untabled amendments nor a US internal draft", async () => {
    const ua = await as(store, 'ua');
    const us = await as(store, 'us');
    const ru = await as(store, 'ru');
    const amendmentWords = 'the quiet return of the Zaporizhzhia plant under joint watch';
    const change = await replaceStart(store, ua, 'v-table-28', 'pt-24', amendmentWords);
    const amendment = await proposeAmendment(store, ua, 'v-table-28', {
      change,
      justification: 'Kept within the delegation until the capitals agree',
    });
    const draft = await internalDraft(
      store,
      us,
      'us',
      'Fallback on sanctions relief (US eyes only)',
      'Sanctions relief is phased over thirty-six months against verified withdrawal',
    );
    const secrets = [
      amendment.id,
      'am-ua-children',
      'am-ua-elections',
      amendmentWords,
      'Kept within the delegation',
      'all deported children',
      draft.id,
      draft.label,
      'thirty-six months',
    ];
    const hiddenSeqs = new Set([
      ...(await eventsAbout(store, amendment.id)),
      ...(await eventsAbout(store, 'am-ua-children')),
      ...(await eventsAbout(store, draft.id)),
    ]);
    assert.ok(hiddenSeqs.size >= 2, 'the amendment and the draft are in the log');

    const russia = await everything(store, ru, 7);
    assert.ok(russia.entries.length > 0, 'Russia reads a history');
    const said = JSON.stringify(russia);
    for (const secret of secrets) assert.ok(!said.includes(secret), `Russia's history names "${secret}"`);
    for (const entry of russia.entries) assert.ok(!hiddenSeqs.has(entry.seq), `Russia reads event ${entry.seq}`);
    for (const receipt of russia.receipts) assert.ok(!hiddenSeqs.has(receipt.event.seq));

    // Over the API too, page by page, as the web app reads it.
    const server = await startServer(db);
    {
      const client = await signIn(server.url, 'ru@demo.parley');
      let before: number | null = null;
      do {
        const page: { status: number; body: { entries: HistoryEntry[]; nextBefore: number | null } } = await client.get(
          `${N}/history?limit=50${before === null ? '' : `&before=${before}`}`,
        );
        assert.equal(page.status, 200);
        const text = JSON.stringify(page.body);
        for (const secret of secrets) assert.ok(!text.includes(secret), `the API names "${secret}" to Russia`);
        for (const entry of page.body.entries) assert.ok(!hiddenSeqs.has(entry.seq));
        before = page.body.nextBefore;
      } while (before !== null);
      const receipts = await client.get<{ receipts: Receipt[] }>(`${N}/receipts?limit=200`);
      assert.equal(receipts.status, 200);
      assert.ok(receipts.body.receipts.every((r) => !hiddenSeqs.has(r.event.seq)));
      for (const seq of hiddenSeqs) assert.equal((await client.get(`${N}/receipts/${seq}`)).status, 404);
    }

    // Those it belongs to read it: the test would pass on an empty history otherwise.
    const ukraine = await everything(store, ua);
    const proposed = await eventsAbout(store, amendment.id);
    assert.ok(ukraine.entries.some((e) => proposed.includes(e.seq) && e.action === 'amendment.propose'));
    const america = await everything(store, us);
    assert.ok(
      america.entries.some((e) => e.what.includes(draft.label)),
      'the US reads its draft by its label',
    );
  });

  test('the pages hold every event the reader may read, once, newest first, whatever the page size', async () => {
    const ua = await as(store, 'ua');
    const whole = (await everything(store, ua, 200)).entries.map((e) => e.seq);
    assert.deepEqual(
      whole,
      [...whole].sort((a, b) => b - a),
    );
    assert.equal(new Set(whole).size, whole.length);
    for (const limit of [1, 13])
      assert.deepEqual(
        (await everything(store, ua, limit)).entries.map((e) => e.seq),
        whole,
      );
  });

  test('one request looks at a bounded part of the log: a long run of events hidden from Russia gives an empty page that goes on', async () => {
    const us = await as(store, 'us');
    const ru = await as(store, 'ru');
    const draft = await createDraft(store, us, { baseVersionId: null, partyId: 'us', label: 'Many saves' });
    // The US delegation saves its draft more times than one request looks at.
    await store.change('u-us', async (_trx, record) => {
      for (let i = 0; i < HISTORY_SCAN_LIMIT + 50; i++)
        await record({
          action: 'draft.save',
          entityId: draft.id,
          negotiationId: 'geneva-2025',
          before: null,
          after: {},
        });
    });
    const first = await history(store, ru, { limit: 10 });
    assert.deepEqual(first.entries, [], 'none of the saves is Russia’s to read');
    assert.ok(first.nextBefore !== null, 'the page says where to go on');
    const next = await history(store, ru, { limit: 10, before: first.nextBefore });
    assert.equal(next.entries.length, 10, 'the next request reaches the events Russia may read');
    const receipts = await listReceipts(store, await as(store, 'ua'), { limit: 10 });
    assert.ok(receipts.receipts.length > 0, 'receipts are read by kind: the saves are not looked at');
    const mine = await history(store, us, { limit: 10 });
    assert.equal(mine.entries.length, 10, 'the US reads its saves');
  });

  test('property: no party reads an event about another party’s party-only material', async () => {
    const mediator = await as(store, 'mediator');
    const point = (n: number) => ({
      id: `p-h-${n}`,
      number: n,
      title: `Article ${n}`,
      text: `The parties settle the matters of article ${n} in good faith.`,
      brackets: [],
      issueIds: [],
      trackId: null,
    });
    const table = await createVersion(store, mediator, {
      parentId: null,
      kind: 'draft',
      label: 'A text for the history property',
      summary: '',
      authorPartyId: null,
      points: [1, 2, 3, 4, 5, 6].map(point),
      optionChoices: {},
      source: null,
    });
    assert.deepEqual((await transmitVersion(store, mediator, table.id, ['ru', 'ua', 'us'])).heldBack, []);

    const PARTIES = ['ua', 'us', 'ru'] as const;
    type Party = (typeof PARTIES)[number];
    const leads = Object.fromEntries(await Promise.all(PARTIES.map(async (p) => [p, await as(store, p)] as const)));
    /** Material of one party: whether other parties may read of it, its id, and a word only it holds. */
    const material: { owner: Party; shared: boolean; id: Id; word: string }[] = [];
    let n = 0;
    const taken = new Set<string>();
    const action = fc.record({
      party: fc.constantFrom(...PARTIES),
      kind: fc.constantFrom('position', 'draft', 'amendment'),
      visibility: fc.constantFrom<Visibility>('party', 'mediator', 'public'),
      point: fc.integer({ min: 1, max: 6 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 6 }), async (actions) => {
        for (const a of actions) {
          const word = `zq${++n}qz${a.party}`;
          const ctx = leads[a.party]!;
          if (a.kind === 'position') {
            // A party states one position a point (a second one is a revision of it).
            if (taken.has(`${a.party}:${a.point}`)) continue;
            taken.add(`${a.party}:${a.point}`);
            const made = await createPosition(store, ctx, {
              versionId: table.id,
              pointId: `p-h-${a.point}`,
              partyId: a.party,
              stance: 'amend',
              proposedText: `Article ${a.point} reads ${word}.`,
              rationale: word,
              visibility: a.visibility,
              source: null,
            });
            material.push({ owner: a.party, shared: a.visibility === 'public', id: made.id, word });
          } else if (a.kind === 'draft') {
            const made = await internalDraft(store, ctx, a.party, `Draft ${word}`, `Our wording ${word}`);
            material.push({ owner: a.party, shared: false, id: made.id, word });
          } else {
            const change = await replaceStart(store, ctx, table.id, `p-h-${a.point}`, `Wording ${word}`);
            const made = await proposeAmendment(store, ctx, table.id, { change, justification: word });
            material.push({ owner: a.party, shared: false, id: made.id, word });
          }
        }
        for (const reader of PARTIES) {
          const read = await everything(store, leads[reader]!);
          const said = JSON.stringify(read);
          const seqs = new Set([...read.entries.map((e) => e.seq), ...read.receipts.map((r) => r.event.seq)]);
          for (const m of material) {
            const about = await eventsAbout(store, m.id);
            const seen = about.some((seq) => seqs.has(seq));
            if (m.owner === reader) assert.ok(seen, `${reader} reads its own ${m.id}`);
            else if (m.shared) assert.ok(seen, `${reader} reads of ${m.owner}'s public ${m.id}`);
            else {
              assert.ok(!seen, `${reader} reads an event about ${m.owner}'s ${m.id}`);
              assert.ok(!said.includes(m.id) && !said.includes(m.word), `${reader}'s history names ${m.id}`);
            }
          }
        }
      }),
      { numRuns: 12, seed: Number(process.env.HISTORY_SEED ?? 17), endOnFailure: true },
    );
    assert.ok(material.length > 10, `material was made (${material.length})`);
  });
});
