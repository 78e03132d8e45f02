import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { demoDatabase, signIn, startServer, type RunningServer } from '../helpers.ts';

const N = '/api/negotiations/geneva-2025';
const BASE = 'v-geneva-19';

type Client = Awaited<ReturnType<typeof signIn>>;

/** The points of a draft as a save sends them: without their numbers, which the draft gives. */
const unnumbered = (points: any[]) => points.map(({ number: _n, ...point }) => point);

describe('drafts: written in place, saved at a revision, issued as a version', () => {
  let server: RunningServer;
  let mediator: Client;
  let ua: Client;
  let uaPrincipal: Client;
  let ru: Client;
  before(async () => {
    server = await startServer(await demoDatabase());
    mediator = await signIn(server.url, 'mediator@demo.parley');
    ua = await signIn(server.url, 'ua@demo.parley');
    uaPrincipal = await signIn(server.url, 'ua-principal@demo.parley');
    ru = await signIn(server.url, 'ru@demo.parley');
  });

  test('the mediator opens a draft of the table text from a version: its points as they stand, at revision 1', async () => {
    const base = (await mediator.get(`${N}/versions/${BASE}`)).body;
    const made = await mediator.post(`${N}/drafts`, { baseVersionId: BASE, partyId: null, label: 'Geneva, revised' });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    assert.equal(made.body.revision, 1);
    assert.equal(made.body.partyId, null);
    assert.equal(made.body.baseVersionId, BASE);
    assert.deepEqual(
      made.body.points.map((p: any) => [p.id, p.number, p.title, p.text]),
      base.points.map((p: any) => [p.id, p.number, p.title, p.text]),
    );
    const listed = (await mediator.get(`${N}/drafts`)).body;
    assert.ok(listed.some((d: any) => d.id === made.body.id && d.pointCount === base.points.length));
  });

  test('a save moves the draft to the next revision; a stale save is refused with 409 and the current draft', async () => {
    const draft = (await mediator.post(`${N}/drafts`, { baseVersionId: BASE, partyId: null, label: 'Two editors' }))
      .body;
    const points = unnumbered(draft.points);
    points[0].text = 'First editor’s wording.';
    const first = await mediator.put(`${N}/drafts/${draft.id}`, {
      revision: 1,
      label: 'Two editors',
      summary: '',
      points,
    });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(first.body.revision, 2);

    const theirs = unnumbered(draft.points);
    theirs[1].text = 'Second editor’s wording, written on revision 1.';
    const stale = await mediator.put(`${N}/drafts/${draft.id}`, {
      revision: 1,
      label: 'Two editors',
      summary: '',
      points: theirs,
    });
    assert.equal(stale.status, 409);
    assert.equal(stale.body.current.revision, 2);
    assert.equal(stale.body.current.points[0].text, 'First editor’s wording.', 'the 409 carries the current draft');
    assert.match(stale.body.detail, /revision 1/);
    const kept = (await mediator.get(`${N}/drafts/${draft.id}`)).body;
    assert.equal(kept.points[0].text, 'First editor’s wording.');
    assert.notEqual(kept.points[1].text, theirs[1].text, 'the stale save overwrote nothing');
  });

  test('a draft issued as a version keeps its merges and splits; compare shows them as such; the draft turns read-only', async () => {
    const draft = (
      await mediator.post(`${N}/drafts`, { baseVersionId: BASE, partyId: null, label: 'Merged and split' })
    ).body;
    const [a, b, c, ...rest] = unnumbered(draft.points);
    const merged = {
      ...a,
      title: `${a.title} and ${b.title}`,
      text: `${a.text} ${b.text}`,
      brackets: [...a.brackets, ...b.brackets],
      issueIds: [...new Set([...a.issueIds, ...b.issueIds])],
      derivedFrom: [a.id, b.id],
    };
    const secondHalf = {
      id: `${c.id}-2`,
      title: `${c.title} (continued)`,
      text: 'The remainder of the point.',
      brackets: [],
      issueIds: [],
      trackId: c.trackId,
      derivedFrom: [c.id],
    };
    const saved = await mediator.put(`${N}/drafts/${draft.id}`, {
      revision: draft.revision,
      label: 'Merged and split',
      summary: 'Points 1 and 2 merged; point 3 split',
      points: [merged, c, secondHalf, ...rest],
    });
    assert.equal(saved.status, 200, JSON.stringify(saved.body));

    const issued = await mediator.post(`${N}/drafts/${draft.id}/issue`, {});
    assert.equal(issued.status, 201, JSON.stringify(issued.body));
    assert.equal(issued.body.parentId, BASE);
    assert.equal(issued.body.authorPartyId, null);
    assert.deepEqual(issued.body.points[0].derivedFrom, [a.id, b.id]);
    assert.deepEqual(issued.body.points[2].derivedFrom, [c.id]);

    const compared = (await mediator.get(`${N}/versions/${issued.body.id}/compare`)).body.comparison;
    const of = (id: string) => compared.points.find((p: any) => p.pointId === id);
    assert.ok(of(a.id).kinds.includes('merged'));
    assert.deepEqual(of(b.id).kinds, ['merged']);
    assert.deepEqual(of(b.id).into, [a.id]);
    assert.ok(of(c.id).kinds.includes('split'));
    assert.deepEqual(of(secondHalf.id).from, [c.id]);
    assert.equal(compared.summary.removed, 0, 'a merge is no removal');
    assert.equal(compared.summary.added, 0, 'a split is no addition');

    const after = (await mediator.get(`${N}/drafts/${draft.id}`)).body;
    assert.equal(after.issuedVersionId, issued.body.id);
    const again = await mediator.put(`${N}/drafts/${draft.id}`, {
      revision: after.revision,
      label: 'x',
      summary: '',
      points: [],
    });
    assert.equal(again.status, 400);
    assert.match(again.body.detail, /issued/);
    const twice = await mediator.post(`${N}/drafts/${draft.id}/issue`, {});
    assert.equal(twice.status, 400);
  });

  test("a party's draft stays in the party: other parties and the mediators neither read, list nor write it", async () => {
    const made = await ua.post(`${N}/drafts`, {
      baseVersionId: BASE,
      partyId: 'ua',
      label: 'Kyiv counter-text',
    });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const id = made.body.id;
    assert.equal((await uaPrincipal.get(`${N}/drafts/${id}`)).status, 200, "another of Ukraine's delegates reads it");
    for (const [who, reader] of [
      ['Russia', ru],
      ['the mediator', mediator],
    ] as const) {
      const read = await reader.get(`${N}/drafts/${id}`);
      const missing = await reader.get(`${N}/drafts/no-such-draft`);
      assert.equal(read.status, 404, `${who} reads Ukraine's draft`);
      assert.equal(read.body.detail, missing.body.detail.replace('no-such-draft', id), `${who} learns it exists`);
      const list = (await reader.get(`${N}/drafts`)).body;
      assert.ok(!JSON.stringify(list).includes('Kyiv counter-text'), `${who} lists Ukraine's draft`);
      const save = await reader.put(`${N}/drafts/${id}`, { revision: 1, label: 'taken', summary: '', points: [] });
      assert.equal(save.status, 404, `${who} saves Ukraine's draft`);
      assert.equal((await reader.post(`${N}/drafts/${id}/issue`, {})).status, 404, `${who} issues it`);
      assert.equal((await reader.call('DELETE', `${N}/drafts/${id}`)).status, 404, `${who} discards it`);
    }
    const forUa = await ru.post(`${N}/drafts`, { baseVersionId: BASE, partyId: 'ua', label: 'In their name' });
    assert.equal(forUa.status, 403);
    assert.match(forUa.body.detail, /Ukraine/);
    const forTable = await ua.post(`${N}/drafts`, { baseVersionId: BASE, partyId: null, label: 'The table' });
    assert.equal(forTable.status, 403);

    // Issued, it is Ukraine's internal text: the mediator and Russia do not see the version either.
    const issued = await ua.post(`${N}/drafts/${id}/issue`, {});
    assert.equal(issued.status, 201, JSON.stringify(issued.body));
    assert.equal(issued.body.authorPartyId, 'ua');
    assert.equal(issued.body.internal, true);
    assert.equal((await mediator.get(`${N}/versions/${issued.body.id}`)).status, 404);
    assert.equal((await ru.get(`${N}/versions/${issued.body.id}`)).status, 404);
  });

  test('issuing checks the text as every new version is checked, naming the point at fault', async () => {
    const draft = (await mediator.post(`${N}/drafts`, { baseVersionId: BASE, partyId: null, label: 'Broken' })).body;
    const points = unnumbered(draft.points);
    points[0].text = `${points[0].text} [[br-nowhere]]`;
    const saved = await mediator.put(`${N}/drafts/${draft.id}`, {
      revision: draft.revision,
      label: 'Broken',
      summary: '',
      points,
    });
    assert.equal(saved.status, 200, 'a draft may be incomplete while it is written');
    const issued = await mediator.post(`${N}/drafts/${draft.id}/issue`, {});
    assert.equal(issued.status, 400);
    assert.equal(issued.body.field, 'points[0].text');
    assert.match(issued.body.detail, /br-nowhere/);
    const stray = await mediator.put(`${N}/drafts/${draft.id}`, {
      revision: saved.body.revision,
      label: 'Broken',
      summary: '',
      points: [{ ...unnumbered(draft.points)[0], derivedFrom: ['p-made-up'] }],
    });
    assert.equal(stray.status, 200);
    const strayIssue = await mediator.post(`${N}/drafts/${draft.id}/issue`, {});
    assert.equal(strayIssue.status, 400);
    assert.equal(strayIssue.body.field, 'points[0].derivedFrom');
    assert.match(strayIssue.body.detail, /no point of the version this text follows/);
    const empty = (await mediator.post(`${N}/drafts`, { baseVersionId: null, partyId: null, label: 'Blank' })).body;
    assert.deepEqual(empty.points, []);
    const none = await mediator.post(`${N}/drafts/${empty.id}/issue`, {});
    assert.equal(none.status, 400);
    assert.equal(none.body.field, 'points');
  });

  test('a version the reader does not see is no base for a draft, in the words a missing one gets', async () => {
    const internal = (await ua.post(`${N}/drafts`, { baseVersionId: BASE, partyId: 'ua', label: 'Internal' })).body;
    const version = (await ua.post(`${N}/drafts/${internal.id}/issue`, {})).body;
    const hidden = await ru.post(`${N}/drafts`, { baseVersionId: version.id, partyId: 'ru', label: 'Peek' });
    const missing = await ru.post(`${N}/drafts`, { baseVersionId: 'v-none', partyId: 'ru', label: 'Peek' });
    assert.equal(hidden.status, 400);
    assert.equal(hidden.body.field, 'baseVersionId');
    assert.equal(hidden.body.detail, missing.body.detail.replace('v-none', version.id));
  });

  test('a party holds at most 20 drafts not yet issued, counted for it alone', async () => {
    const open = async (reader: Client, partyId: string | null, n: number) =>
      reader.post(`${N}/drafts`, { baseVersionId: null, partyId, label: `Scratch ${n}` });
    const held = (await ru.get(`${N}/drafts`)).body.filter((d: any) => d.issuedVersionId === null).length;
    for (let n = held; n < 20; n++) assert.equal((await open(ru, 'ru', n)).status, 201);
    const refused = await open(ru, 'ru', 21);
    assert.equal(refused.status, 400);
    assert.match(refused.body.detail, /Russia hold 20 drafts not yet issued/);
    assert.equal((await open(ua, 'ua', 1)).status, 201, "Russia's drafts do not count against Ukraine");
  });

  test('a discarded draft is gone for its owners too', async () => {
    const draft = (await mediator.post(`${N}/drafts`, { baseVersionId: BASE, partyId: null, label: 'Scratch' })).body;
    assert.equal((await mediator.call('DELETE', `${N}/drafts/${draft.id}`)).status, 204);
    assert.equal((await mediator.get(`${N}/drafts/${draft.id}`)).status, 404);
  });
});
