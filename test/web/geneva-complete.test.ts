// The "done when", as a person does it: the mediator takes the Geneva demo from the single
// negotiating text drawn from the US 28 points, through the E3's and Ukraine's amendments and the
// bracket on sanctions, to a text every party agreed ad referendum, entirely in the web app; then
// `parley status` on the served database says the agreement is complete.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { parley } from '../cli/command.ts';
import { demoDatabase } from '../helpers.ts';
import { launchBrowser, live, screenshot, serveDemo, settled, signInAs, type Person, type Served } from './browser.ts';

const N = '/n/geneva-2025';
const TEXT = `${N}/text`;
/** The parties at the table (the E3 acts through its members), by name, and who agrees for each. */
const AT_TABLE: [party: string, email: string][] = [
  ['United States', 'us-principal@demo.parley'],
  ['Ukraine', 'ua-principal@demo.parley'],
  ['Russia', 'ru@demo.parley'],
  ['European Union', 'eu@demo.parley'],
  ['France', 'fr@demo.parley'],
  ['Germany', 'de@demo.parley'],
  ['United Kingdom', 'uk@demo.parley'],
];
const SANCTIONS_B = 'eased in stages as the agreement is implemented and return automatically on a breach';

const versionPicker = (page: Page) => page.getByLabel('Version', { exact: true });
const title = (page: Page, label: string) => page.locator('#text-title', { hasText: label }).waitFor();

describe('the Geneva demo, taken to a complete agreement in the web app', () => {
  let served: Served;
  let db: string;
  before(async () => {
    db = await demoDatabase();
    served = await serveDemo(db);
    await launchBrowser();
  });

  test('amendments accepted and consolidated, the bracket closed, the text sent with the presidents’ approval, agreed by every party, the track closed: complete, and `parley status` says so', async () => {
    const mediator = await signInAs(served, 'mediator@demo.parley', { path: TEXT });
    const md = mediator.page;
    await live(md);
    await versionPicker(md).selectOption('v-table-28');
    await md.locator('li[data-point="pt-13"]').waitFor();
    await settled(md);

    // Every amendment pending on the single negotiating text: the E3's, tabled to the table, and
    // Ukraine's two, tabled to the mediators. The mediator accepts each, one by one.
    const tabled = md.getByTestId('tabled-amendment');
    await tabled.first().waitFor();
    const pending = await md.locator('[data-testid="tabled-amendment"][data-state="tabled"]').count();
    assert.equal(pending, 14, 'twelve of the E3 and two of Ukraine');
    assert.equal(await tabled.filter({ hasText: /^Ukraine/ }).count(), 2);
    assert.equal(await md.getByTestId('amendment-conflict').count(), 0, 'no two of them conflict');
    for (let accepted = 1; accepted <= pending; accepted++) {
      await md
        .locator('[data-testid="tabled-amendment"][data-state="tabled"]')
        .first()
        .getByRole('button', { name: 'Accept', exact: true })
        .click();
      await md
        .locator('[data-testid="tabled-amendment"][data-state="accepted"]')
        .nth(accepted - 1)
        .waitFor();
    }
    const consolidation = md.getByRole('form', { name: 'Consolidate into a new version' });
    await consolidation.getByLabel('Label of the new version').fill('Single negotiating text, 2nd reading');
    await consolidation.getByRole('button', { name: 'Consolidate into a new version' }).click();
    await title(md, 'Single negotiating text, 2nd reading');
    // The E3's wording stands in the new text, and Ukraine's.
    await md.locator('li[data-point="pt-6"] p.point-text', { hasText: '800,000' }).waitFor();
    await md.locator('li[data-point="pt-25"] p.point-text', { hasText: 'after martial law ends' }).waitFor();
    assert.equal(await md.locator('li[data-point="pt-3"]').count(), 0, 'point 3 is deleted');

    // The consolidated text becomes the text under negotiation, the one the agreement is about.
    const agreement = md.locator('section.agreement');
    await agreement.getByRole('button', { name: 'Make this the text under negotiation' }).click();
    await agreement.getByText('This is the text under negotiation.').waitFor();
    await md
      .getByTestId('agreement-status')
      .filter({ hasText: /1 bracket open/ })
      .waitFor();

    // The bracket on how sanctions end: the Europeans' alternative, with every party's agreement.
    const bracket = md.getByRole('form', { name: /^Close the bracket in point \d+$/ });
    await bracket.getByLabel(new RegExp(`^B: ${SANCTIONS_B}`)).check();
    for (const [party] of AT_TABLE) await bracket.getByLabel(party, { exact: true }).check();
    await bracket.getByRole('button', { name: 'Close the bracket in a new version' }).click();
    // The page is taken to the version the closing made, which stays the text under negotiation.
    await title(md, 'bracket in point');
    await md.locator('li[data-point="pt-13"] p.point-text', { hasText: SANCTIONS_B }).waitFor();
    await agreement.getByText('This is the text under negotiation.').waitFor();
    const finalId = await versionPicker(md).inputValue();
    const finalLabel = (await md.locator('#text-title').innerText()).trim();

    // The mediator sends it to every party: it is derived from the US text, so Russia waits for the presidents.
    await md.goto(`${N}/approvals?version=${finalId}`);
    const send = md.getByRole('form', { name: 'Send this text' });
    await send.getByRole('checkbox').first().waitFor();
    for (const box of await send.getByRole('checkbox').all()) await box.check();
    await send.getByRole('button', { name: 'Send' }).click();
    await md.getByTestId('send-done').waitFor();
    const held = md.getByTestId('send-held');
    await held.waitFor();
    assert.match(await held.innerText(), /^Held back from Russia:/);
    assert.match(await md.getByTestId('send-done').innerText(), /Ukraine/);

    // Zelensky, then Trump, approve this exact text on the approvals page; the last approval releases it to Russia.
    const people = new Map<string, Person>();
    for (const email of ['ua-principal@demo.parley', 'us-principal@demo.parley']) {
      const president = await signInAs(served, email, { path: `${N}/approvals?version=${finalId}` });
      people.set(email, president);
      await president.page.getByRole('button', { name: 'Approve this text…' }).click();
      const dialog = president.page.getByRole('dialog');
      await dialog.getByRole('button', { name: 'Approve this exact text' }).click();
      await dialog.waitFor({ state: 'detached' });
    }
    await people
      .get('us-principal@demo.parley')!
      .page.getByTestId('cleared')
      .filter({ hasText: /Donald Trump.*Russia/s })
      .waitFor();

    // Each party's principal or lead agrees the whole text ad referendum, in one step, on the text page.
    for (const [party, email] of AT_TABLE) {
      let person = people.get(email);
      if (person) await person.page.goto(TEXT);
      else person = await signInAs(served, email, { path: TEXT });
      const page = person.page;
      await title(page, finalLabel);
      await settled(page);
      const agree = page.getByRole('button', { name: `Agree the whole text for ${party}` });
      await agree.click();
      await agree.waitFor({ state: 'detached' });
      if (party === 'Russia')
        assert.match(await page.locator('li[data-point="pt-13"] p.point-text').innerText(), /return automatically/);
      await person.context.close();
    }

    // Every point agreed; what remains is the EU and NATO track, which the mediator closes.
    await md.goto(TEXT);
    await title(md, finalLabel);
    await md
      .getByTestId('agreement-status')
      .filter({ hasText: /^the track "EU and NATO competences \(separate format\)" open$/ })
      .waitFor();
    await md.goto(`${N}/tracks`);
    const track = md.getByTestId('track').filter({ hasText: 'EU and NATO competences' });
    await track.getByRole('button', { name: 'Close EU and NATO competences (separate format)' }).click();
    await track
      .getByTestId('track-state')
      .filter({ hasText: /^Closed on/ })
      .waitFor();
    // The last track closed completed the agreement and locked the text: reopening the track is refused, in words.
    await track.getByRole('button', { name: 'Reopen EU and NATO competences (separate format)' }).click();
    assert.match(await track.getByRole('alert').innerText(), /the agreement is complete and its text locked/);
    await md.goto(TEXT);
    await title(md, finalLabel);
    await md.getByTestId('agreement-status').filter({ hasText: 'The agreement is complete.' }).waitFor();
    assert.match(await md.getByTestId('agreement-status').innerText(), /The text is locked since/);
    // The pen-holder's amendments panel offers no decision or consolidation on the locked text.
    await md.getByText(/no amendment is decided or consolidated until a mediator reopens a point/).waitFor();
    assert.equal(await md.getByRole('form', { name: 'Consolidate into a new version' }).count(), 0);
    await screenshot(md, 'geneva-complete');
    await mediator.context.close();

    const status = parley(['status', '--db', db, '--negotiation', 'geneva-2025']);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /^.*: The agreement is complete\.\nThe text is locked since /);
    assert.ok(status.stdout.startsWith(finalLabel), status.stdout);
  });
});
