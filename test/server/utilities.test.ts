import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { analyse, demoDatabase, signIn, startServer, type RunningServer } from '../helpers.ts';

const N = '/api/negotiations/geneva-2025';

interface Utilities {
  basis: 'own' | 'shared';
  parties: { partyId: string; reservation: number }[];
  versions: {
    versionId: string;
    openIssueIds: string[];
    utilities: { partyId: string; utility: number | null; lowest: number | null; highest: number | null }[];
  }[];
}

describe("what each version is worth to a party (GET …/utilities), from that party's preferences only", () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer(await demoDatabase());
  });

  const utilitiesOf = async (email: string) => {
    const answer = await (await signIn(server.url, email)).get<Utilities>(`${N}/utilities`);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    return answer.body;
  };
  const partiesIn = (body: Utilities) => [
    ...new Set([
      ...body.parties.map((p) => p.partyId),
      ...body.versions.flatMap((v) => v.utilities.map((u) => u.partyId)),
    ]),
  ];

  test("a party's members get their own party's utilities and never another party's", async () => {
    assert.deepEqual(partiesIn(await utilitiesOf('ua@demo.parley')), ['ua']);
    assert.deepEqual(partiesIn(await utilitiesOf('us@demo.parley')), ['us']);
    assert.deepEqual(partiesIn(await utilitiesOf('ru@demo.parley')), ['ru']);
    // France works inside the E3 coalition: its own and the coalition's, not Germany's or the UK's.
    assert.deepEqual(partiesIn(await utilitiesOf('fr@demo.parley')), ['e3', 'fr']);
    const own = await utilitiesOf('ua@demo.parley');
    assert.equal(own.basis, 'own');
  });

  test('a mediator gets the utilities of the parties that shared their preferences with the mediators, only', async () => {
    const body = await utilitiesOf('mediator@demo.parley');
    assert.equal(body.basis, 'shared');
    assert.deepEqual(partiesIn(body), ['e3', 'ua', 'uk']);
  });

  test("a version's utility is the settlement engine's for its package; an open one gets the range it can still reach", async () => {
    const ua = await signIn(server.url, 'ua@demo.parley');
    const body = await utilitiesOf('ua@demo.parley');
    const us28 = body.versions.find((v) => v.versionId === 'v-us-28')!;
    assert.deepEqual(us28.openIssueIds, []);
    const analysis = await analyse(ua, N, {
      versionId: 'v-us-28',
    });
    assert.equal(analysis.status, 201);
    const [mine] = us28.utilities;
    assert.ok(Math.abs(mine!.utility! - analysis.body.result.draft.utilities.ua!) < 1e-9);
    assert.equal(mine!.lowest, mine!.utility);
    assert.equal(mine!.highest, mine!.utility);
    const geneva = body.versions.find((v) => v.versionId === 'v-geneva-19')!;
    assert.ok(geneva.openIssueIds.includes('issue-donetsk'), 'territory is left to the presidents');
    const [range] = geneva.utilities;
    assert.equal(range!.utility, null);
    assert.ok(range!.lowest! < range!.highest!);
  });

  test('the versions are those the reader has received: Russia is not told what the post-Geneva text is worth to it', async () => {
    const ru = await utilitiesOf('ru@demo.parley');
    assert.ok(!ru.versions.some((v) => v.versionId === 'v-geneva-19'));
    assert.ok(ru.versions.some((v) => v.versionId === 'v-us-28'));
  });
});
