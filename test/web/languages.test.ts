import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { launchBrowser, screenshot, serveDemo, settled, signInAs, type Served } from './browser.ts';

const N = '/n/geneva-2025';

/** A point card of the text page, by its id. */
const card = (page: Page, pointId: string) => page.locator(`li.point[data-point="${pointId}"]`);

describe('reading the text in another language', () => {
  let served: Served;
  before(async () => {
    served = await serveDemo();
    await launchBrowser();
  });

  test('the text page switches the 19 points to Ukrainian and Russian, and says where a text is not translated', async () => {
    const { page, context } = await signInAs(served, 'ua@demo.parley', { path: `${N}/text` });
    await page.getByLabel('Version', { exact: true }).selectOption('v-geneva-19');
    await card(page, 'pt-1').getByText("Ukraine's sovereignty is confirmed.").waitFor();
    const language = page.getByLabel('Language', { exact: true });
    assert.deepEqual(await language.locator('option').allInnerTexts(), ['English (drafting)', 'Ukrainian', 'Russian']);
    await language.selectOption('uk');
    await card(page, 'pt-1').getByText('Суверенітет України підтверджується.').waitFor();
    await card(page, 'pt-1').getByRole('heading', { name: '1. суверенітет' }).waitFor();
    // A bracket's alternatives are read in the same language.
    await card(page, 'pt-21')
      .getByText(/вважаються де-факто російськими/)
      .first()
      .waitFor();
    assert.equal(
      await page.getByTestId('language-note').count(),
      0,
      'every point of the 19 is translated and up to date',
    );
    await screenshot(page, 'text-in-ukrainian');
    await language.selectOption('ru');
    await card(page, 'pt-1').getByText('Суверенитет Украины подтверждается.').waitFor();
    // The single negotiating text has no Russian yet: shown as drafted, and said so on each point.
    await page.getByLabel('Version', { exact: true }).selectOption('v-table-28');
    await card(page, 'pt-1')
      .getByTestId('language-note')
      .getByText('Not yet translated into Russian: shown in English.')
      .waitFor();
    await language.selectOption('en');
    await card(page, 'pt-1').waitFor();
    await settled(page);
    assert.equal(await page.getByTestId('language-note').count(), 0);
    await context.close();
  });

  test('the comparison is read in the language asked for, kept in the address', async () => {
    const { page, context } = await signInAs(served, 'ua@demo.parley', {
      path: `${N}/compare?version=v-geneva-19&base=v-us-28`,
    });
    await page.getByText("Ukraine's sovereignty is confirmed.").first().waitFor();
    await page.getByLabel('Language', { exact: true }).selectOption('uk');
    await page.getByText('Суверенітет України підтверджується.').first().waitFor();
    assert.match(page.url(), /lang=uk/);
    await context.close();
  });
});
