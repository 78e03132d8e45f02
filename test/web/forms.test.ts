import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import {
  DEMO_PASSWORD,
  launchBrowser,
  live,
  screenshot,
  serveDemo,
  settled,
  signInAs,
  type Person,
  type Served,
} from './browser.ts';

/** The API as a script would use it: a bearer token from the e-mail and password. */
async function bearer(served: Served, email: string): Promise<string> {
  const answer = await fetch(`${served.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: DEMO_PASSWORD }),
  });
  assert.equal(answer.status, 200, await answer.clone().text());
  return ((await answer.json()) as { token: string }).token;
}

const N = '/n/geneva-2025';

/** Opens a page of the negotiation in the same tab and waits until it has loaded what it shows. */
async function open(page: Page, path: string): Promise<void> {
  await page.goto(`${N}${path}`);
  await settled(page);
}

describe('the forms of red lines, preferences, tracks, rules and statements', () => {
  let served: Served;
  // One browser; each person has one tab, reused from page to page.
  let ukraine: Person;
  let russia: Person;
  let mediator: Person;
  before(async () => {
    served = await serveDemo();
    await launchBrowser();
    [ukraine, russia, mediator] = await Promise.all([
      signInAs(served, 'ua@demo.parley', { path: `${N}/red-lines` }),
      signInAs(served, 'ru@demo.parley', { path: `${N}/red-lines` }),
      signInAs(served, 'mediator@demo.parley', { path: `${N}/tracks` }),
    ]);
  });

  test("Ukraine's lead states a red line and changes it (re-applying over a change made meanwhile); Russia never sees it", async () => {
    const { page } = ukraine;
    await settled(page);
    await live(page);
    await page.getByText('State a red line', { exact: true }).click();
    const form = page.getByRole('form', { name: 'State a red line' });
    await form.getByLabel('Title').fill('Kyiv-held Donetsk stays Ukrainian');
    // No option chosen: the API's refusal shows beside the constraint it names.
    await form.getByRole('button', { name: 'State the red line' }).click();
    const constraint = form.getByRole('group', { name: 'What the red line forbids or requires' });
    await constraint.getByRole('alert').waitFor();
    assert.equal(await constraint.getAttribute('aria-invalid'), 'true');
    await form.getByLabel('Issue', { exact: true }).selectOption({ label: 'Territory: Kyiv-held Donetsk' });
    await form.getByLabel('Ukraine withdraws').check();
    await form.getByRole('button', { name: 'State the red line' }).click();
    await form.getByRole('status').filter({ hasText: 'Stated: “Kyiv-held Donetsk stays Ukrainian”' }).waitFor();
    const item = page.getByTestId('red-line').filter({ hasText: 'Kyiv-held Donetsk stays Ukrainian' });
    const words = await item.innerText();
    assert.match(words, /Ukraine · Within the party/);
    assert.match(words, /Never “Ukraine withdraws” on Territory: Kyiv-held Donetsk\./);

    // The lead opens it to change it; meanwhile Ukraine's president changes its description.
    await item.getByRole('button', { name: 'Change “Kyiv-held Donetsk stays Ukrainian”' }).click();
    const edit = page.getByRole('form', { name: 'Change the red line “Kyiv-held Donetsk stays Ukrainian”' });
    await edit.getByLabel('Title').fill('No withdrawal from Kyiv-held Donetsk');
    const president = await bearer(served, 'ua-principal@demo.parley');
    const headers = { authorization: `Bearer ${president}`, 'content-type': 'application/json' };
    const lines = (await (await fetch(`${served.url}/api/negotiations/geneva-2025/red-lines`, { headers })).json()) as {
      id: string;
      title: string;
      revision: number;
    }[];
    const line = lines.find((l) => l.title === 'Kyiv-held Donetsk stays Ukrainian')!;
    const patched = await fetch(`${served.url}/api/negotiations/geneva-2025/red-lines/${line.id}`, {
      method: 'PATCH',
      headers,
      body: JSON.stringify({ revision: line.revision, description: 'As the President said in Kyiv.' }),
    });
    assert.equal(patched.status, 200, await patched.clone().text());
    await edit.getByRole('button', { name: 'Save the red line' }).click();
    // The stale save shows the red line as it stands now, and re-applies the lead's change on it.
    const stale = edit.getByTestId('stale');
    await stale.waitFor();
    assert.match(await stale.innerText(), /changed while you were editing it[\s\S]*As the President said in Kyiv\./);
    await screenshot(page, 'forms-red-line-stale');
    await stale.getByRole('button', { name: 'Save my changes over it' }).click();
    const changed = page.getByTestId('red-line').filter({ hasText: 'No withdrawal from Kyiv-held Donetsk' });
    await changed.waitFor();
    assert.match(await changed.innerText(), /As the President said in Kyiv\./);

    // Russia's lead reads the red lines it may see: Ukraine's own is not among them, nor in any answer.
    await open(russia.page, '/red-lines');
    await russia.page.getByRole('heading', { name: 'Red lines you may see' }).waitFor();
    const seen = await russia.page.locator('main').innerText();
    assert.doesNotMatch(seen, /Kyiv-held Donetsk stays Ukrainian|No withdrawal from Kyiv-held Donetsk/);
    for (const answer of await russia.received())
      assert.doesNotMatch(answer.body, /Kyiv-held Donetsk stays Ukrainian|No withdrawal from Kyiv-held/, answer.url);
  });

  test("Ukraine's lead saves the party's preferences and reads them back; a score out of range is named by its option", async () => {
    const { page } = ukraine;
    await open(page, '/preferences');
    const form = page.getByRole('form', { name: 'Preferences of Ukraine' });
    const score = form.getByLabel('Score of Ukraine withdraws (Territory: Kyiv-held Donetsk)');
    await score.fill('1.5');
    await form.getByRole('button', { name: 'Save the preferences' }).click();
    const refusal = form
      .getByRole('alert')
      .filter({ hasText: 'give option “Ukraine withdraws” of “Territory: Kyiv-held Donetsk”' });
    await refusal.waitFor();
    assert.equal(await score.getAttribute('aria-invalid'), 'true');
    await score.fill('0.05');
    await form.getByLabel('Reservation value (what no agreement is worth, 0 to 1)').fill('0.42');
    await form.getByRole('button', { name: 'Save the preferences' }).click();
    await form
      .getByRole('status')
      .filter({ hasText: /^Saved \(revision \d+\)\.$/ })
      .waitFor();
    await page.reload();
    await settled(page);
    const again = page.getByRole('form', { name: 'Preferences of Ukraine' });
    assert.equal(await again.getByLabel('Reservation value (what no agreement is worth, 0 to 1)').inputValue(), '0.42');
    assert.equal(
      await again.getByLabel('Score of Ukraine withdraws (Territory: Kyiv-held Donetsk)').inputValue(),
      '0.05',
    );
    // What the saved preferences make each version worth, from the API.
    await page.getByTestId('implied-utilities').waitFor();
    assert.match(await page.getByTestId('implied-utilities').innerText(), /\d/);
  });

  test('the mediator opens a track; only its parties see it', async () => {
    const { page } = mediator;
    await settled(page);
    await page.getByText('Open a track', { exact: true }).click();
    const form = page.getByRole('form', { name: 'Open a track' });
    await form.getByLabel('Name').fill('Black Sea navigation');
    await form.getByLabel('Ukraine').check();
    // One party is not a track: the refusal shows beside the parties.
    await form.getByRole('button', { name: 'Open the track' }).click();
    const partiesGroup = form.getByRole('group', { name: 'Its parties (at least two)' });
    await partiesGroup.getByRole('alert').waitFor();
    await form.getByLabel('United States').check();
    await form.getByRole('group', { name: 'Its points' }).getByRole('checkbox').first().check();
    await form.getByRole('button', { name: 'Open the track' }).click();
    await form.getByRole('status').filter({ hasText: 'Opened: Black Sea navigation.' }).waitFor();
    const track = page.getByTestId('track').filter({ hasText: 'Black Sea navigation' });
    assert.match(await track.innerText(), /Among (Ukraine and United States|United States and Ukraine)$/m);

    await open(ukraine.page, '/tracks');
    await ukraine.page.getByTestId('track').filter({ hasText: 'Black Sea navigation' }).waitFor();
    await open(russia.page, '/tracks');
    await russia.page.getByRole('heading', { name: 'Tracks your party is in' }).waitFor();
    assert.doesNotMatch(await russia.page.locator('main').innerText(), /Black Sea navigation/);
  });

  test('the US president makes a transmission rule, and it is listed with names and its deadline in words', async () => {
    const president = await signInAs(served, 'us-principal@demo.parley', { path: `${N}/rules` });
    const { page } = president;
    await settled(page);
    await page.getByText('Make a rule', { exact: true }).click();
    const form = page.getByRole('form', { name: 'Make a rule' });
    await form.getByLabel('Name', { exact: true }).fill('US texts reach the EU after the President');
    await form
      .getByRole('group', { name: 'Texts written by (the author parties)' })
      .getByLabel('United States')
      .check();
    const recipients = form.getByRole('group', { name: 'Reach only after approval (the recipients)' });
    await recipients.getByLabel('European Union').check();
    await recipients.getByLabel('United States').check();
    await form.getByLabel('Name of the stage').fill('The President approves');
    await form.getByLabel('Donald Trump, principal of United States').check();
    await form.getByLabel(/^Deadline \(optional\) — in your time zone, /).fill('2030-01-15T12:00');
    assert.match(await form.getByTestId('deadline-words').innerText(), /2030/);
    // An author cannot also be a recipient: said, with the party's name, beside the recipients.
    await form.getByRole('button', { name: 'Make the rule' }).click();
    const refusal = recipients.getByRole('alert');
    await refusal.waitFor();
    assert.match(await refusal.innerText(), /United States cannot be both an author and a recipient/);
    await recipients.getByLabel('United States').uncheck();
    await form.getByRole('button', { name: 'Make the rule' }).click();
    await form.getByRole('status').filter({ hasText: 'Made: US texts reach the EU after the President.' }).waitFor();
    const rule = page.getByTestId('rule').filter({ hasText: 'US texts reach the EU after the President' });
    const words = await rule.innerText();
    assert.match(words, /Texts of United States reach European Union only after:/);
    assert.match(words, /The President approves: Donald Trump; deadline .*2030/);
    assert.doesNotMatch(words, /u-us-principal/);
    await screenshot(page, 'forms-transmission-rule');
    await president.context.close();
  });

  test('the mediator retracts a public statement; it leaves the feed', async () => {
    const { page } = mediator;
    await open(page, '/rounds');
    const feed = page.getByTestId('statements');
    const first = feed.locator('> li').first();
    const quote = await first.locator('blockquote').innerText();
    const speaker = await first.locator('figcaption strong').innerText();
    await first.getByRole('button', { name: `Retract ${speaker}'s statement` }).click();
    await first.getByRole('button', { name: 'Retract it' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `Retracted: ${speaker}'s statement.` })
      .waitFor();
    await feed.locator('blockquote', { hasText: quote }).waitFor({ state: 'detached' });
  });
});
