import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { launchBrowser, live, screenshot, serveDemo, signInAs, type Served } from './browser.ts';

const N = '/n/geneva-2025';

describe('the dashboard, and the rounds and statements', () => {
  let served: Served;
  before(async () => {
    served = await serveDemo();
    await launchBrowser();
  });

  test("the mediator's dashboard says where things stand: current text, open approval, last round, red lines, progress", async () => {
    const { page, context } = await signInAs(served, 'mediator@demo.parley');
    await page.waitForURL(new RegExp(`${N}$`));
    const current = page.getByTestId('current-version');
    await current.waitFor();
    assert.match(await current.innerText(), /Post-Geneva framework/);
    // Every one of the mediator's tabs is in sight at 1280 px, none behind a sideways scroll.
    const tabs = page.getByRole('navigation', { name: 'Negotiation' });
    const [tabsWidth, tabsShown] = await tabs.evaluate((nav) => [nav.scrollWidth, nav.clientWidth]);
    assert.equal(tabsWidth, tabsShown, `the tabs scroll sideways by ${tabsWidth - tabsShown} px at 1280 px`);
    const viewport = page.viewportSize()!;
    for (const tab of await tabs.getByRole('link').all()) {
      const box = (await tab.boundingBox())!;
      assert.ok(box.x >= 0 && box.x + box.width <= viewport.width, `${await tab.innerText()} is out of sight`);
    }
    assert.equal(await tabs.getByRole('link').count(), 13);

    const approvals = page.getByRole('region', { name: 'Open approvals' });
    await approvals.locator('.dash-approval').first().waitFor();
    assert.equal(await approvals.locator('.dash-approval').count(), 1, 'only the text held back from Moscow waits');
    const approval = await approvals.innerText();
    assert.match(approval, /Deadline\s+28 Nov 2025|Deadline\s+27 Nov 2025/, approval);
    assert.match(approval, /overdue/);
    assert.equal(await approvals.locator('.badge.overdue').count(), 1);

    const round = page.getByTestId('last-round');
    await round.waitFor();
    assert.match(await round.innerText(), /US–Russia contacts in Abu Dhabi/);
    assert.match(
      await page.getByTestId('joint-statement').innerText(),
      /Joint statement of the United States and Ukraine/,
    );

    const redLines = page.getByTestId('red-lines');
    await redLines.waitFor();
    assert.match(await redLines.innerText(), /No cap at all/);
    await redLines.getByText(/bracket alternatives? would cross one/).click();
    assert.match(await redLines.innerText(), /No withdrawal from Donetsk/);

    await page.getByTestId('narrowing').waitFor();
    // Russia's stances from Kyiv are unknown on the post-Geneva text it never received: no narrowing is claimed.
    assert.match(
      await page.getByTestId('narrowing').innerText(),
      /Not known: \d+ stances taken by "[^"]+" are unknown by "[^"]+" \(stale since the text changed, or not restated\)/,
    );
    await page.locator('[data-testid="progress-chart"] canvas').waitFor();
    await page.getByText('The figures as a table').click();
    const table = page.getByTestId('progress-table');
    assert.equal(await table.getByRole('rowheader', { name: 'Geneva talks' }).count(), 1);
    assert.deepEqual(await table.locator('thead th').allInnerTexts(), [
      'Round',
      'Date',
      'Text',
      'Agreed',
      'Contested',
      'Open',
      'Brackets open',
      'Red lines crossed',
      'Distance',
    ]);
    await screenshot(page, 'dashboard-mediator');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByTestId('progress-table').waitFor();
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    assert.ok(overflow <= 1, `the page scrolls sideways by ${overflow} px at 390 px`);
    await screenshot(page, 'dashboard-mediator-390');
    await context.close();
  });

  test("a party's dashboard shows its own utility of each version, and never another party's", async () => {
    const person = await signInAs(served, 'ua@demo.parley');
    const { page, context } = person;
    const utilities = page.getByTestId('utilities');
    await utilities.waitFor();
    assert.equal(
      await page.getByRole('heading', { name: 'Your utility of each version' }).count(),
      1,
      'the table speaks to the party',
    );
    const headers = await utilities.locator('thead th').allInnerTexts();
    assert.deepEqual(
      headers.map((h) => h.replace(/\s*\(illustrative\)/, '')),
      ['Version', 'UA'],
    );
    // The texts Ukraine holds and counts: the US 28 points, the E3 counter, the post-Geneva text and the mediators' text.
    assert.equal(await utilities.getByRole('img', { name: /^UA: \d+(–\d+)? out of 100/ }).count(), 4);
    await screenshot(page, 'dashboard-party-utilities');
    const answers = await person.received();
    const answer = answers.find((a) => a.url.endsWith('/api/negotiations/geneva-2025/utilities'));
    assert.ok(answer, 'the page asked for the utilities');
    const body = JSON.parse(answer.body) as {
      parties: { partyId: string }[];
      versions: { utilities: { partyId: string }[] }[];
    };
    const named = new Set([...body.parties, ...body.versions.flatMap((v) => v.utilities)].map((u) => u.partyId));
    assert.deepEqual([...named], ['ua']);
    for (const a of answers)
      assert.doesNotMatch(a.body, /"partyId":"(us|ru|e3|uk|fr|de|eu)","(utility|reservation)"/, a.url);
    await context.close();
  });

  test('the rounds page lists the Geneva round, and choosing a speaker narrows the statements', async () => {
    const { page, context } = await signInAs(served, 'eu@demo.parley', { path: `${N}/rounds` });
    const timeline = page.getByTestId('timeline');
    await timeline.waitFor();
    const geneva = timeline.locator('li.timeline-item', { hasText: 'Geneva talks' });
    assert.equal(await geneva.count(), 1);
    const text = await geneva.innerText();
    assert.match(text, /Geneva/);
    assert.match(text, /Joint statement of the United States and Ukraine/);
    assert.match(text, /Andriy Yermak/);
    // The statements are read apart from the rounds: the feed is counted once it is shown.
    await page.getByTestId('statements').waitFor();
    const feed = page.getByTestId('statements').locator(':scope > li');
    const all = await feed.count();
    assert.ok(all > 2, `the feed has ${all} statements`);
    await page.getByLabel('Speaker').selectOption('Vladimir Putin');
    await page
      .getByText(/^\d+ of \d+ statements$/)
      .filter({ hasText: new RegExp(`of ${all} `) })
      .waitFor();
    const narrowed = await feed.count();
    assert.ok(narrowed >= 1 && narrowed < all, `${narrowed} of ${all}`);
    for (const speaker of await feed.locator('figcaption strong').allInnerTexts())
      assert.equal(speaker, 'Vladimir Putin');
    assert.equal(await page.getByText('Record a public statement').count(), 0, 'a delegate is offered no form');
    await screenshot(page, 'rounds-filtered');
    await context.close();
  });

  test("a mediator's recorded statement appears live on a delegate's open rounds page", async () => {
    const delegate = await signInAs(served, 'ua@demo.parley', { path: `${N}/rounds` });
    await delegate.page.getByTestId('statements').waitFor();
    await live(delegate.page);
    const quote = `The talks go on in Miami next week (${Date.now().toString(36)}).`;
    assert.equal(await delegate.page.getByText(quote).count(), 0);

    const mediator = await signInAs(served, 'mediator@demo.parley', { path: `${N}/rounds` });
    const page = mediator.page;
    await page.getByText('Record a public statement').click();
    const form = page.locator('form', { has: page.getByRole('button', { name: 'Record the statement' }) });
    await form.getByLabel('Speaker').fill('Rustem Umerov');
    await form.getByLabel('Office or affiliation').fill('Secretary of the National Security and Defence Council');
    await form.getByLabel('Party').selectOption({ label: 'Ukraine' });
    await form.getByLabel('Date').fill('2025-11-26');
    await form.getByLabel('Quote').fill(quote);
    await form.getByLabel('Stance').selectOption('supports');
    await form.getByLabel('Source').fill('https://example.org/umerov-26-nov');
    await form.getByRole('button', { name: 'Record the statement' }).click();
    await form.getByRole('status').waitFor();

    await delegate.page.getByText(quote).waitFor();
    const item = delegate.page.getByTestId('statements').locator('li', { hasText: quote });
    assert.match(await item.innerText(), /Rustem Umerov/);
    assert.equal(
      await item.getByRole('link', { name: 'example.org' }).getAttribute('href'),
      'https://example.org/umerov-26-nov',
    );
    await screenshot(delegate.page, 'rounds-statement-live');
    await mediator.context.close();
    await delegate.context.close();
  });
  test('a mediator records a round with its joint statement, and it becomes the last round on the dashboard', async () => {
    const { page, context } = await signInAs(served, 'mediator@demo.parley', { path: `${N}/rounds` });
    await page.getByText('Record a round').click();
    const form = page.locator('form', { has: page.getByRole('button', { name: 'Record the round' }) });
    const title = `Miami talks ${Date.now().toString(36)}`;
    await form.getByLabel('Title', { exact: true }).first().fill(title);
    await form.getByLabel('From').fill('2025-11-30');
    await form.getByLabel('Place').fill('Hallandale Beach, Florida');
    await form.getByRole('checkbox', { name: 'United States' }).check();
    await form.getByLabel('People of Ukraine, separated by commas').fill('Rustem Umerov, Andrii Hnatov');
    await form.getByLabel('Text discussed').selectOption({ label: 'Post-Geneva framework (19 points, 24 Nov 2025)' });
    await form.getByLabel('Outcome').fill('Productive, with work left on territory.');
    await form.locator('textarea[name="statementText"]').fill('Both delegations called the talks productive.');
    await form.getByLabel('Signed by').selectOption(['us', 'ua']);
    await form.getByRole('button', { name: 'Record the round' }).click();
    await form.getByRole('status').waitFor();
    const item = page.getByTestId('timeline').locator('li.timeline-item', { hasText: title });
    await item.waitFor();
    const text = await item.innerText();
    assert.match(text, /UA: Rustem Umerov, Andrii Hnatov/);
    assert.match(text, /Both delegations called the talks productive/);
    await page.getByRole('link', { name: 'Dashboard' }).click();
    const last = page.getByTestId('last-round');
    await last.getByText(title).waitFor();
    assert.match(await page.getByTestId('joint-statement').innerText(), /Both delegations called the talks productive/);
    await screenshot(page, 'dashboard-new-round');
    await context.close();
  });
});
