import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { apiAs, launchBrowser, screenshot, serveDemo, signInAs, type Served } from './browser.ts';

const N = '/n/geneva-2025';
const SECRET_WORDS = 'a phased return of the Zaporizhzhia plant under joint watch';
const SECRET_REASON = 'Held within the delegation until Kyiv decides';

/** Opens the history and shows every older page, to the first event the reader may read of. */
async function wholeHistory(page: Page): Promise<string> {
  await page.goto(`${N}/history`);
  await page.getByRole('heading', { name: 'History' }).waitFor();
  await page.getByTestId('history-entry').first().waitFor();
  const older = page.getByRole('button', { name: /Show older|Loading older/ });
  while ((await older.count()) > 0) {
    const shown = await page.getByTestId('history-entry').count();
    if (await older.isEnabled()) await older.click();
    // Another entry shows, or no older page is left (the demo's history is read in a few pages).
    await Promise.race([page.getByTestId('history-entry').nth(shown).waitFor(), older.waitFor({ state: 'detached' })]);
  }
  return page.locator('main').innerText();
}

describe('the history page', () => {
  let served: Served;
  before(async () => {
    served = await serveDemo();
    await launchBrowser();
  });

  test("Ukraine's lead reads its approvals and sending, downloads a receipt; Russia never reads Ukraine's untabled amendment", async () => {
    const ua = await apiAs(served, 'ua@demo.parley');
    // An amendment Ukraine keeps to itself (proposed, not tabled) ...
    const table = await ua<{ points: { id: string; text: string }[] }>('GET', '/versions/v-table-28');
    const point = table.points.find((p) => p.id === 'pt-24')!;
    const quote = point.text.slice(0, 12);
    await ua('POST', '/versions/v-table-28/amendments', {
      change: {
        kind: 'replace',
        pointId: 'pt-24',
        field: 'text',
        start: 0,
        end: quote.length,
        quote,
        text: SECRET_WORDS,
      },
      justification: SECRET_REASON,
    });
    // ... and a text it sends to the mediators: both in its history.
    const own = await ua<{ id: string }>('POST', '/versions', {
      parentId: null,
      kind: 'draft',
      label: 'Ukrainian note on prisoners',
      authorPartyId: 'ua',
      points: [
        {
          id: 'p-ua-note-1',
          number: 1,
          title: 'Prisoners',
          text: 'All for all, within thirty days.',
          brackets: [],
          issueIds: [],
          trackId: null,
        },
      ],
    });
    await ua('POST', `/versions/${own.id}/transmit`, { partyIds: [], toMediators: true });

    const yermak = await signInAs(served, 'ua@demo.parley');
    const text = await wholeHistory(yermak.page);
    assert.match(text, /proposed an amendment/, 'Ukraine reads its own amendment');
    assert.match(text, /sent a text "Ukrainian note on prisoners" to the mediators/);
    assert.match(text, /approved a text/, "Ukraine reads its principal's approvals");
    assert.doesNotMatch(text, /\bu-[a-z]+\b|\bam-[a-z]/, 'people and things by name, never by id');
    const approval = yermak.page.locator('[data-testid="history-entry"][data-action="approval.approve"]').first();
    await screenshot(yermak.page, 'history-ukraine');
    const [download] = await Promise.all([
      yermak.page.waitForEvent('download'),
      approval.getByRole('link', { name: 'Download receipt' }).click(),
    ]);
    const receipt = JSON.parse(await readFile((await download.path())!, 'utf8')) as {
      format: string;
      event: { action: string };
    };
    assert.equal(receipt.format, 'parley-receipt-v1');
    assert.equal(receipt.event.action, 'approval.approve');
    await yermak.context.close();

    const ushakov = await signInAs(served, 'ru@demo.parley');
    const seen = await wholeHistory(ushakov.page);
    assert.ok(seen.length > 0);
    for (const secret of [SECRET_WORDS, SECRET_REASON, 'Ukrainian note on prisoners', 'proposed an amendment'])
      assert.ok(!seen.includes(secret), `Russia's history shows "${secret}"`);
    await ushakov.context.close();
  });
});
