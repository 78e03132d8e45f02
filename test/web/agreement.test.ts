import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { loadScenario } from '../../src/demo/load.ts';
import { Store } from '../../src/store/store.ts';
import { ACCORD, accordScenario } from '../fixtures/accord.ts';
import { freshDatabase } from '../helpers.ts';
import { live, screenshot, serveDemo, settled, signInAs, type Served } from './browser.ts';

describe('agreement ad referendum in the web app', () => {
  let served: Served;
  before(async () => {
    const file = await freshDatabase('agreement-web');
    const store = await Store.open(file);
    try {
      await loadScenario(store, accordScenario);
    } finally {
      await store.close();
    }
    served = await serveDemo(file);
  });

  test('both parties of a track mark its point agreed, and the status shows what remains', async () => {
    const atlantis = await signInAs(served, 'at@accord.test', { path: `/n/${ACCORD}/text` });
    const borduria = await signInAs(served, 'bo@accord.test', { path: `/n/${ACCORD}/text` });
    for (const person of [atlantis, borduria]) {
      await settled(person.page);
      await live(person.page);
    }
    const banner = (page: typeof atlantis.page) => page.getByTestId('agreement-status');
    const point3 = (page: typeof atlantis.page) => page.locator('.agreement li[data-point="3"]');
    await point3(atlantis.page).getByRole('button', { name: 'Mark agreed for Atlantis' }).click();
    await point3(atlantis.page).getByText('awaiting Borduria').waitFor();
    // Borduria's page hears of Atlantis's mark without a reload.
    await point3(borduria.page).getByText('agreed by Atlantis').waitFor();
    await point3(borduria.page).getByRole('button', { name: 'Mark agreed for Borduria' }).click();
    await point3(borduria.page)
      .getByText(/^Agreed; agreed by Atlantis, Borduria/)
      .waitFor();
    for (const person of [atlantis, borduria])
      await banner(person.page)
        .getByText(
          /^2 points not agreed: 1, 2 \(awaiting Atlantis on 1, 2; Borduria on 1, 2; Carpania on 1, 2\); 1 bracket open; the track "Sea lanes" open$/,
        )
        .waitFor();
    // Names, never ids, in what a person reads.
    const text = await banner(atlantis.page).innerText();
    assert.doesNotMatch(text, /acc-|\bat\b|\bbo\b/);
    await screenshot(borduria.page, 'agreement-marks');

    // Carpania, outside the track, reads its point as a number, agreed, and nothing of who marked it.
    const carpania = await signInAs(served, 'ca@accord.test', { path: `/n/${ACCORD}/text` });
    await settled(carpania.page);
    await carpania.page
      .locator('.agreement li.withheld')
      .getByText('agreed (negotiated in a separate format')
      .waitFor();
    const seen = (await carpania.received()).map((a) => a.body).join('\n');
    assert.ok(!seen.includes('Sea lanes') && !seen.includes('acc-p3'), "Carpania receives the track's point");
  });
});
