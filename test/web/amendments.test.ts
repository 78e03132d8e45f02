import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { apiAs, launchBrowser, live, screenshot, serveDemo, settled, signInAs, type Served } from './browser.ts';

const N = 'geneva-2025';
const TEXT = `/n/${N}/text`;
/** Ukraine's words: they reach the mediators when tabled, and Russia only in the consolidated text. */
const WORDS = 'once martial law has ended and a monitored campaign of ninety days has run';
const WHY = 'Kyiv cannot hold a vote under shelling; the Rada insists on this order';
const QUOTE = 'within 100 days';

interface Point {
  id: string;
  number: number;
  title: string;
  text: string;
}

/** Opens a version on the text page. */
async function openVersion(page: Page, versionId: string): Promise<void> {
  await page.getByLabel('Version', { exact: true }).selectOption(versionId);
  await page.locator(`li[data-point="pt-25"]`).waitFor();
  await settled(page);
}

/** Selects `words` in a point's text as a reader would, with the mouse or the keyboard. */
async function selectWords(page: Page, pointId: string, words: string): Promise<void> {
  await page.evaluate(`{
    const paragraph = document.querySelector('li[data-point=${JSON.stringify(pointId)}] p.point-text');
    const quote = ${JSON.stringify(words)};
    const node = [...paragraph.childNodes].find((n) => n.nodeType === Node.TEXT_NODE && n.textContent.includes(quote));
    const at = node.textContent.indexOf(quote);
    document.getSelection().setBaseAndExtent(node, at, node, at + quote.length);
  }`);
}

/** Everything the page's reader receives on the negotiation's live stream, kept in `window.liveStream`. */
async function recordStream(page: Page): Promise<void> {
  await page.evaluate(`(async () => {
    window.liveStream = '';
    const answer = await fetch('/api/negotiations/${N}/events');
    const reader = answer.body.getReader();
    const decoder = new TextDecoder();
    void (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        window.liveStream += decoder.decode(value, { stream: true });
      }
    })();
  })()`);
}
const streamOf = (page: Page) => page.evaluate('window.liveStream') as Promise<string>;

describe('amendments in the web app', () => {
  let served: Served;
  before(async () => {
    served = await serveDemo();
    await launchBrowser();
  });

  test('Ukraine’s lead amends selected words and tables them to the mediators; the mediator accepts and consolidates; Russia never reads the words before, nor Ukraine as their author after', async () => {
    // A text of the table, copied from the US draft, sent to Ukraine and Russia.
    const mediatorApi = await apiAs(served, 'mediator@demo.parley');
    const us = await mediatorApi<{ points: Point[] }>('GET', '/versions/v-us-28');
    const made = await mediatorApi<{ id: string; points: Point[] }>('POST', '/versions', {
      parentId: null,
      kind: 'draft',
      label: 'Mediators’ working text',
      authorPartyId: null,
      points: us.points.map((p) => ({ ...p, brackets: [], issueIds: [] })),
    });
    await mediatorApi('POST', `/versions/${made.id}/transmit`, { partyIds: ['ua', 'ru'] });
    const point25 = made.points.find((p) => p.id === 'pt-25')!;
    assert.ok(point25.text.includes(QUOTE), `point 25 reads “${point25.text}”`);

    // Russia follows the same text, live, from the start.
    const russia = await signInAs(served, 'ru@demo.parley', { path: TEXT });
    await live(russia.page);
    await recordStream(russia.page);
    await openVersion(russia.page, made.id);

    // Ukraine's lead selects the words in the text and proposes to replace them.
    const ukraine = await signInAs(served, 'ua@demo.parley', { path: TEXT });
    const ua = ukraine.page;
    await live(ua);
    await openVersion(ua, made.id);
    // A selection across two points is refused, in words.
    await ua.evaluate(`{
      const from = document.querySelector('li[data-point="pt-24"] p.point-text').firstChild;
      const to = document.querySelector('li[data-point="pt-25"] p.point-text').firstChild;
      document.getSelection().setBaseAndExtent(from, 1, to, 3);
    }`);
    assert.match(await ua.getByTestId('selection-refusal').innerText(), /runs across points/);
    await selectWords(ua, 'pt-25', QUOTE);
    const bar = ua.getByRole('region', { name: 'The selected words' });
    await bar.getByTestId('selection').filter({ hasText: QUOTE }).waitFor();
    assert.match(await bar.getByTestId('selection').innerText(), /^Point 25, text:/);
    await bar.getByRole('button', { name: 'Replace…' }).click();
    const form = ua.getByRole('form', { name: /Propose an amendment/ });
    assert.equal(await form.getByLabel('The words as they stand').inputValue(), QUOTE);
    // Focus is in the replacement: a keyboard user types straight on.
    await ua.keyboard.type(WORDS);
    await form.getByLabel('Justification').fill(WHY);
    await form.getByRole('button', { name: 'Propose the amendment' }).click();
    const own = ua.getByTestId('own-amendment');
    await own.filter({ has: ua.locator('[data-testid="amendment-state"]', { hasText: 'draft' }) }).waitFor();
    assert.match(await own.innerText(), /Point 25 \(text\): replace “within 100 days” with “once martial law/);
    await screenshot(ua, 'amendment-draft-1280');
    await own.getByRole('button', { name: 'Table to the mediators' }).click();
    await own.getByTestId('amendment-state').filter({ hasText: 'tabled to the mediators' }).waitFor();

    // The mediator, who holds the pen of the table's text, reads it with its party, accepts it and consolidates.
    const mediator = await signInAs(served, 'mediator@demo.parley', { path: TEXT });
    const md = mediator.page;
    await live(md);
    await openVersion(md, made.id);
    const tabled = md.getByTestId('tabled-amendment').filter({ hasText: WORDS });
    await tabled.waitFor();
    assert.match(await tabled.innerText(), /^Ukraine/);
    await tabled.getByRole('button', { name: 'Accept', exact: true }).click();
    await md.locator('[data-testid="tabled-amendment"][data-state="accepted"]').waitFor();
    // Ukraine's page follows the decision live.
    await own
      .getByTestId('amendment-state')
      .filter({ hasText: /^accepted$/ })
      .waitFor();
    const consolidation = md.getByRole('form', { name: 'Consolidate into a new version' });
    await consolidation.getByRole('button', { name: 'Consolidate into a new version' }).click();
    assert.match(await consolidation.getByRole('alert').innerText(), /Give the new version a label/);
    await consolidation.getByLabel('Label of the new version').fill('Working text, 2nd reading');
    await consolidation.getByRole('button', { name: 'Consolidate into a new version' }).click();
    // The page is taken to the new version.
    await md.locator('#text-title', { hasText: 'Working text, 2nd reading' }).waitFor();
    const newId = await md.getByLabel('Version', { exact: true }).inputValue();
    assert.notEqual(newId, made.id);
    await md.locator('li[data-point="pt-25"] p.point-text', { hasText: WORDS }).waitFor();
    await screenshot(md, 'amendment-consolidated-1280');
    const next = await mediatorApi<{ parentId: string; points: Point[] }>('GET', `/versions/${newId}`);
    assert.equal(next.parentId, made.id);
    assert.ok(next.points.find((p) => p.id === 'pt-25')!.text.includes(WORDS), 'the new version has the words');
    await own
      .getByTestId('amendment-state')
      .filter({ hasText: /^consolidated into a new version$/ })
      .waitFor();

    // Before the new text reaches Russia: its page, its answers and its stream never held the words.
    const seenBefore = (await russia.received()).map((a) => a.body).join('\n');
    assert.ok(seenBefore.includes('Mediators’ working text'), 'Russia read the table text');
    for (const secret of [WORDS, WHY]) {
      assert.ok(!seenBefore.includes(secret), 'no answer to Russia holds the amendment');
      assert.ok(!(await russia.page.locator('body').innerText()).includes(secret), 'Russia’s page never shows it');
    }

    // The mediators send the consolidated text to Russia: it reads the words, never whose they were.
    await mediatorApi('POST', `/versions/${newId}/transmit`, { partyIds: ['ru'] });
    const option = russia.page.getByLabel('Version', { exact: true }).locator(`option[value="${newId}"]`);
    await option.waitFor({ state: 'attached' });
    await openVersion(russia.page, newId);
    await russia.page.locator('li[data-point="pt-25"] p.point-text', { hasText: WORDS }).waitFor();
    await russia.page.locator('#amendments-title', { hasText: 'Working text, 2nd reading' }).waitFor();
    // Where the words came from, as Russia may know it: the amended words read as the new version's own.
    await russia.page.getByRole('button', { name: 'Show where the words came from' }).click();
    await russia.page.locator('.provenance-points').first().waitFor();
    await settled(russia.page);
    const answers = await russia.received();
    const provenance = answers.find((a) => a.url.endsWith(`/versions/${newId}/provenance`));
    assert.ok(provenance, 'Russia’s page read the provenance');
    assert.ok(!provenance.body.includes('"partyId":"ua"'), 'no words are traced to Ukraine');
    const stream = await streamOf(russia.page);
    const amendmentId = (await mediatorApi<{ id: string; partyName: string }[]>('GET', '/amendments')).find(
      (a) => a.partyName === 'Ukraine',
    )!.id;
    for (const body of [...answers.map((a) => a.body), stream]) {
      assert.ok(!body.includes(WHY), 'the justification never reaches Russia');
      assert.ok(!body.includes(amendmentId), 'nor the amendment');
    }
    for (const answer of answers.filter((a) => a.url.includes('/amendments')))
      assert.deepEqual(JSON.parse(answer.body), [], `Russia reads no amendment: ${answer.url}`);
    assert.ok(!stream.includes(WORDS), 'the live stream carries no words');
    const page = await russia.page.locator('body').innerText();
    assert.ok(!/Ukraine[’']s amendments?/.test(page), 'no author shown to Russia');
    assert.ok(!page.includes(WHY));
    await screenshot(russia.page, 'amendment-russia-1280');
    for (const person of [russia, ukraine, mediator]) await person.context.close();
  });

  test('words selected after an open bracket anchor at their place in the raw text; a selection reaching into the bracket is refused', async () => {
    const mediatorApi = await apiAs(served, 'mediator@demo.parley');
    const us = await mediatorApi<{ points: Point[] }>('GET', '/versions/v-us-28');
    const raw = 'Ukraine holds elections [[br-when]], observed by the OSCE.';
    const made = await mediatorApi<{ id: string }>('POST', '/versions', {
      parentId: null,
      kind: 'draft',
      label: 'Text with the elections bracket',
      authorPartyId: null,
      points: us.points.map((p) =>
        p.id === 'pt-25'
          ? {
              ...p,
              text: raw,
              issueIds: [],
              brackets: [
                {
                  id: 'br-when',
                  alternatives: [
                    { text: 'within 100 days', proposedBy: ['us'] },
                    { text: 'after martial law ends', proposedBy: ['ua'] },
                  ],
                },
              ],
            }
          : { ...p, brackets: [], issueIds: [] },
      ),
    });
    await mediatorApi('POST', `/versions/${made.id}/transmit`, { partyIds: ['ua'] });

    const { page, context } = await signInAs(served, 'ua@demo.parley', { path: TEXT });
    await openVersion(page, made.id);
    // From the words before the bracket into one of its alternatives: refused, in words.
    await page.evaluate(`{
      const paragraph = document.querySelector('li[data-point="pt-25"] p.point-text');
      const alternative = paragraph.querySelector('.alternative');
      document.getSelection().setBaseAndExtent(paragraph.firstChild, 8, alternative.lastChild, 2);
    }`);
    assert.match(await page.getByTestId('selection-refusal').innerText(), /reaches into an open bracket of point 25/);
    // After the bracket: the offsets are the raw text's, placeholder included.
    await selectWords(page, 'pt-25', 'observed by the OSCE');
    const bar = page.getByRole('region', { name: 'The selected words' });
    await bar.getByTestId('selection').filter({ hasText: 'observed by the OSCE' }).waitFor();
    await bar.getByRole('button', { name: 'Delete…' }).click();
    const form = page.getByRole('form', { name: /Propose an amendment/ });
    await form.getByLabel('Justification').fill('The observers are named in point 12.');
    await form.getByRole('button', { name: 'Propose the amendment' }).click();
    await page.getByTestId('own-amendment').waitFor();
    const uaApi = await apiAs(served, 'ua@demo.parley');
    const [amendment] = await uaApi<{ change: { start: number; end: number; quote: string } }[]>(
      'GET',
      `/versions/${made.id}/amendments`,
    );
    const start = raw.indexOf('observed by the OSCE');
    assert.deepEqual(
      { start: amendment!.change.start, end: amendment!.change.end, quote: amendment!.change.quote },
      { start, end: start + 'observed by the OSCE'.length, quote: 'observed by the OSCE' },
    );

    // By keyboard, through the form: a problem the API finds is shown next to the field it names.
    await page.getByRole('button', { name: 'Propose an amendment…' }).click();
    const typed = page.getByRole('form', { name: /Propose an amendment/ });
    await typed.getByLabel('Point', { exact: true }).selectOption({ label: '25. elections' });
    await typed.getByLabel('The words as they stand').fill('not in the point');
    await typed.getByRole('button', { name: 'Propose the amendment' }).click();
    assert.match(await typed.getByRole('alert').innerText(), /is not in point 25’s text; copy the words exactly/);
    await typed.getByLabel('The words as they stand').fill('by the OSCE');
    await typed.getByLabel('Replaced by').fill('by the OSCE under [[br-other]]');
    await typed.getByRole('button', { name: 'Propose the amendment' }).click();
    const replacement = typed.getByLabel('Replaced by');
    await typed.locator('textarea[aria-invalid="true"]').waitFor();
    assert.equal(await replacement.getAttribute('aria-invalid'), 'true', 'the replacement is the field in question');
    assert.match(await typed.getByRole('alert').innerText(), /cannot open a bracket/);
    await replacement.fill('by the OSCE and the Council of Europe');
    await typed.getByRole('button', { name: 'Propose the amendment' }).click();
    await typed.waitFor({ state: 'detached' });
    const own = page.getByTestId('own-amendment');
    assert.equal(await own.count(), 2);
    for (const item of await own.all()) await item.getByRole('button', { name: 'Table to the mediators' }).click();
    await page.locator('[data-testid="own-amendment"][data-state="tabled"]').nth(1).waitFor();

    // The mediator sees the two overlapping amendments flagged, rejects one with a note, accepts the other with changes.
    const mediator = await signInAs(served, 'mediator@demo.parley', { path: TEXT });
    await openVersion(mediator.page, made.id);
    const tabled = mediator.page.getByTestId('tabled-amendment');
    await tabled.nth(1).waitFor();
    assert.equal(await mediator.page.getByTestId('amendment-conflict').count(), 2, 'each names the other');
    assert.match(
      await tabled.first().getByTestId('amendment-conflict').innerText(),
      /^Conflicts with Ukraine’s amendment/,
    );
    const byChange = (words: string) =>
      tabled.filter({ has: mediator.page.getByTestId('amendment-change').filter({ hasText: words }) });
    const deletion = byChange('delete “observed by the OSCE”');
    await deletion.getByRole('button', { name: 'Reject…' }).click();
    await deletion.getByLabel('Why (the party reads it)').fill('Observation stays; see the other amendment.');
    await deletion.getByRole('button', { name: 'Reject', exact: true }).click();
    await mediator.page.locator('[data-testid="tabled-amendment"][data-state="rejected"]').waitFor();
    const other = byChange('Council of Europe');
    await other.getByRole('button', { name: 'Accept with changes…' }).click();
    await other.getByLabel('Wording as accepted').fill('by the OSCE and the United Nations');
    await other.getByRole('button', { name: 'Accept with these changes' }).click();
    await mediator.page.locator('[data-testid="tabled-amendment"][data-state="accepted"]').waitFor();
    // Ukraine reads both decisions, live.
    await page.getByTestId('amendment-state').filter({ hasText: 'accepted with changes' }).waitFor();
    await own
      .filter({ hasText: 'Observation stays' })
      .getByTestId('amendment-state')
      .filter({ hasText: 'rejected' })
      .waitFor();
    await screenshot(mediator.page, 'amendment-decisions-1280');
    await mediator.context.close();
    await context.close();
  });
});
