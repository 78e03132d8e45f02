import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { seatNewMember, signIn } from '../helpers.ts';
import { launchBrowser, screenshot, serveDemo, signInAs, type Served } from './browser.ts';

// Set when the mediator opens the negotiation (Parley names it).
let API = '';
let WEB = '';
const PASSWORD = 'a long test password';
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

const STATES = [
  ['vic', 'Victoria', 'VIC'],
  ['nsw', 'New South Wales', 'NSW'],
  ['sa', 'South Australia', 'SA'],
  ['qld', 'Queensland', 'QLD'],
  ['act', 'Australian Capital Territory', 'ACT'],
  ['cth', 'Commonwealth', 'CTH'],
] as const;

/**
 * A four-state water treaty run by a new user, from the rule to the countersignature: the rule is
 * written through the API (the web app has no form for rules), the sending, the approvals and the
 * countersignature in the web app.
 */
describe('a water treaty runs from its rule to its countersignature in the web app', () => {
  let served: Served;
  let versionId: string;
  const today = new Date().toISOString().slice(0, 10);
  before(async () => {
    served = await serveDemo();
    await launchBrowser();
    const mediator = await signIn(served.url, 'mediator@demo.parley');
    const opened = await mediator.post('/api/negotiations', {
      title: 'Murray–Darling water sharing',
      summary: 'Four states and their neighbours share the basin.',
    });
    assert.equal(opened.status, 201, JSON.stringify(opened.body));
    API = `/api/negotiations/${opened.body.id}`;
    WEB = `/n/${opened.body.id}`;
    for (const [id, name, shortName] of STATES)
      assert.equal((await mediator.post(`${API}/parties`, { id, name, shortName })).status, 201);
    const seat = (email: string, name: string, partyId: string, role: string, title: string) =>
      seatNewMember(served.url, API, { email, name, password: PASSWORD, partyId, role, title });
    const vicMinister = await seat('vic-minister@water.example', 'Harriet Shing', 'vic', 'principal', 'Minister');
    // Victoria has its principal now: the seat of its lead waits for her consent.
    await seatNewMember(
      served.url,
      API,
      {
        email: 'vic-lead@water.example',
        name: 'Tom Ellis',
        password: PASSWORD,
        partyId: 'vic',
        role: 'lead',
        title: 'Chief negotiator',
      },
      { email: 'vic-minister@water.example', password: PASSWORD },
    );
    const nswMinister = await seat('nsw-minister@water.example', 'Rose Jackson', 'nsw', 'principal', 'Minister');
    const saMinister = await seat('sa-minister@water.example', 'Susan Close', 'sa', 'principal', 'Minister');
    const qldMinister = await seat('qld-minister@water.example', 'Ann Leahy', 'qld', 'principal', 'Minister');

    const track = await mediator.post(`${API}/tracks`, {
      name: 'Snowy River releases',
      description: 'Among the states the Snowy scheme feeds',
      pointIds: [],
      partyIds: ['vic', 'nsw', 'sa'],
    });
    assert.equal(track.status, 201, JSON.stringify(track.body));
    // A minister outside the track could never approve a text holding its points: that rule is refused.
    const blind = await mediator.post(`${API}/transmission-rules`, {
      name: 'Queensland clears',
      fromPartyIds: ['vic', 'qld'],
      toPartyIds: ['sa'],
      stages: [{ id: 'both', name: 'Both ministers', mode: 'all', approverUserIds: [vicMinister, qldMinister] }],
    });
    assert.equal(blind.status, 400);
    assert.match(blind.body.detail, /Ann Leahy \(Queensland\) is outside the track "Snowy River releases"/);
    const rule = await mediator.post(`${API}/transmission-rules`, {
      name: 'Upstream ministers approve, then South Australia signs',
      fromPartyIds: ['vic', 'nsw'],
      toPartyIds: ['sa'],
      stages: [
        {
          id: 'upstream',
          name: 'Upstream ministers',
          mode: 'all',
          approverUserIds: [vicMinister, nswMinister],
          deadline: today,
        },
        {
          id: 'sa-signs',
          name: 'South Australia signs',
          kind: 'countersignature',
          mode: 'all',
          approverUserIds: [saMinister],
        },
      ],
    });
    assert.equal(rule.status, 201, JSON.stringify(rule.body));
    const lead = await signIn(served.url, 'vic-lead@water.example', PASSWORD);
    const text = await lead.post(`${API}/versions`, {
      parentId: null,
      kind: 'draft',
      label: 'Basin sharing draft',
      authorPartyId: 'vic',
      points: [
        { id: 'cap', title: 'Diversion cap', text: 'Each state diverts no more than its share of the long-term cap.' },
        {
          id: 'snowy',
          title: 'Snowy releases',
          text: 'Releases from the Snowy scheme follow the 2002 agreement.',
          trackId: track.body.id,
        },
      ],
    });
    assert.equal(text.status, 201, JSON.stringify(text.body));
    versionId = text.body.id;
  });

  test('sent to five parties with one held back, approved by both ministers, countersigned by the third', async () => {
    // The Victorian lead sends the draft to five parties: South Australia is held back by the rule.
    const lead = await signInAs(served, 'vic-lead@water.example', { password: PASSWORD });
    await lead.page.goto(`${WEB}/approvals?version=${versionId}`);
    const send = lead.page.getByRole('form', { name: 'Send this text' });
    for (const [id, name] of STATES) if (id !== 'vic') await send.getByLabel(name, { exact: true }).check();
    await send.getByRole('button', { name: 'Send' }).click();
    const done = lead.page.getByTestId('send-done');
    await done.waitFor();
    assert.match(
      await done.innerText(),
      /Sent Basin sharing draft to New South Wales, Queensland, Australian Capital Territory, Commonwealth/,
    );
    const held = lead.page.getByTestId('send-held');
    assert.match(await held.innerText(), /Held back from South Australia/);
    assert.match(await held.innerText(), /Upstream ministers approve/, 'it names the rule');
    assert.match(await held.innerText(), /Harriet Shing and Rose Jackson/, 'and who must approve');
    await screenshot(lead.page, 'water-treaty-sent');
    await lead.context.close();

    // The Victorian minister approves: the date-only deadline lasts the whole day.
    const vic = await signInAs(served, 'vic-minister@water.example', { password: PASSWORD });
    await vic.page.goto(`${WEB}/approvals?version=${versionId}`);
    const stage = vic.page.getByTestId('stage').first();
    await stage.getByText(/Deadline:/).waitFor();
    assert.match(await stage.innerText(), /Deadline: end of /);
    assert.doesNotMatch(await stage.innerText(), /\(passed\)|overdue/, 'the deadline is today: it has not passed');
    await approve(vic.page);
    await stage.getByTestId('decision').filter({ hasText: 'Harriet Shing' }).waitFor();
    await vic.context.close();

    // The NSW minister's dashboard says her approval is awaited; she approves, and the text goes out.
    const nsw = await signInAs(served, 'nsw-minister@water.example', { password: PASSWORD });
    await nsw.page.goto(WEB);
    const waiting = nsw.page
      .getByRole('region', { name: 'Open approvals' })
      .locator('.dash-approval')
      .filter({ hasText: 'Rose Jackson' });
    await waiting.waitFor();
    assert.match(await waiting.innerText(), /Basin sharing draft: Upstream ministers/);
    await waiting.getByRole('link', { name: 'Go to the approvals' }).click();
    await approve(nsw.page);
    const cleared = nsw.page.getByTestId('cleared');
    await cleared.filter({ hasText: 'Rose Jackson' }).waitFor();
    await nsw.context.close();

    // South Australia's minister finds the countersignature waiting on her dashboard, and signs.
    const sa = await signInAs(served, 'sa-minister@water.example', { password: PASSWORD });
    await sa.page.goto(WEB);
    const mine = sa.page
      .getByRole('region', { name: 'Open approvals' })
      .locator('.dash-approval')
      .filter({ hasText: 'Susan Close' });
    await mine.waitFor();
    assert.match(await mine.innerText(), /South Australia signs/);
    assert.match(await mine.innerText(), /countersignature/);
    await screenshot(sa.page, 'water-treaty-countersignature-waiting');
    await mine.getByRole('link', { name: 'Go to the approvals' }).click();
    await approve(sa.page);
    const rule = sa.page.getByTestId('rule').first();
    await rule.getByText(/^signed /).waitFor();
    const card = await rule.innerText();
    assert.match(card, /Cleared by the approval of Rose Jackson/, 'cleared by the minister who cleared it');
    assert.doesNotMatch(card, /Cleared by the approval of Susan Close/, 'not by the one who countersigned');
    assert.doesNotMatch(card, UUID, 'names, never ids');
    await screenshot(sa.page, 'water-treaty-signed');
    await sa.context.close();

    // Queensland, outside the Snowy track, reads the text without that point and no hash to confirm it.
    const qld = await signIn(served.url, 'qld-minister@water.example', PASSWORD);
    const approvals = await qld.get(`${API}/versions/${versionId}/approvals`);
    assert.equal(approvals.status, 200);
    assert.equal(approvals.body.contentHash, null);
    assert.ok(approvals.body.rules[0].approvals.every((a: { contentHash: string | null }) => a.contentHash === null));
  });
});

/** Approves the text on the approvals page, in the dialog bound to its exact text. */
async function approve(page: import('playwright-core').Page): Promise<void> {
  await page.getByRole('button', { name: 'Approve this text…' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  await dialog.getByRole('button', { name: 'Approve this exact text' }).click();
  await dialog.waitFor({ state: 'detached' });
}
