import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { COUNT_LIMITS } from '../../src/core/limits.ts';
import { demoDatabase, signIn, startServer, type RunningServer } from '../helpers.ts';

const N = '/api/negotiations/geneva-2025';

describe('what a request may touch is bounded: issues per negotiation, options per issue, red lines per party', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer(await demoDatabase());
  });

  test(`a negotiation holds at most ${COUNT_LIMITS.issuesPerNegotiation} issues; the next is refused with the limit`, async () => {
    const mediator = await signIn(server.url, 'mediator@demo.parley');
    const held = (await mediator.get(`${N}/issues`)).body.length as number;
    const issue = (n: number) => ({
      name: `Issue ${n}`,
      options: [
        { id: 'a', label: 'A' },
        { id: 'b', label: 'B' },
      ],
    });
    for (let n = held; n < COUNT_LIMITS.issuesPerNegotiation; n++)
      assert.equal((await mediator.post(`${N}/issues`, issue(n))).status, 201);
    const over = await mediator.post(`${N}/issues`, issue(0));
    assert.equal(over.status, 400);
    assert.match(over.body.detail, /a negotiation holds at most 100 issues; add options to an existing issue instead/);
  });

  test(`an issue holds at most ${COUNT_LIMITS.optionsPerIssue} options of 300 characters`, async () => {
    const mediator = await signIn(server.url, 'mediator@demo.parley');
    const [existing] = (await mediator.get(`${N}/issues`)).body;
    const options = Array.from({ length: COUNT_LIMITS.optionsPerIssue + 1 }, (_, i) => ({ id: `o${i}`, label: 'x' }));
    const tooMany = await mediator.patch(`${N}/issues/${existing.id}`, { revision: existing.revision, options });
    assert.equal(tooMany.status, 400);
    assert.equal(tooMany.body.field, 'body.options');
    const long = await mediator.patch(`${N}/issues/${existing.id}`, {
      revision: existing.revision,
      options: [...existing.options, { id: 'long', label: 'x'.repeat(301) }],
    });
    assert.equal(long.status, 400);
    assert.match(long.body.field, /^body\.options\.\d+\.label$/);
  });

  test(`a party holds at most ${COUNT_LIMITS.redLinesPerParty} red lines, counted per party so the refusal tells nothing of others'`, async () => {
    const ua = await signIn(server.url, 'ua@demo.parley');
    const ru = await signIn(server.url, 'ru@demo.parley');
    const [issue] = (await ua.get(`${N}/issues`)).body;
    const redLine = (partyId: string, n: number) => ({
      partyId,
      title: `Red line ${n}`,
      visibility: 'party',
      constraint: { kind: 'forbid', issueId: issue.id, optionIds: [issue.options[0].id] },
    });
    const own = async (as: typeof ua, partyId: string) =>
      ((await as.get(`${N}/red-lines`)).body as { partyId: string }[]).filter((r) => r.partyId === partyId).length;
    for (let n = await own(ua, 'ua'); n < COUNT_LIMITS.redLinesPerParty; n++)
      assert.equal((await ua.post(`${N}/red-lines`, redLine('ua', n))).status, 201);
    const over = await ua.post(`${N}/red-lines`, redLine('ua', 0));
    assert.equal(over.status, 400);
    assert.equal(over.body.field, 'partyId');
    assert.match(over.body.detail, /a party holds at most 40 red lines; change one of its red lines instead/);
    assert.equal((await ru.post(`${N}/red-lines`, redLine('ru', 0))).status, 201, "another party's count is its own");
  });
});
