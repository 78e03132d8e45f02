import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { DEMO_PASSWORD, launchBrowser, screenshot, serveDemo, signInAs, type Served } from './browser.ts';

describe('one browser, two tabs, two accounts', () => {
  let served: Served;
  before(async () => {
    served = await serveDemo();
    await launchBrowser();
  });

  test('a tab follows the account signed in another tab, and keeps nothing the previous account read', async () => {
    // Ukraine's lead reads the negotiation in one tab, then leaves it on the account page.
    const { page: first, context } = await signInAs(served, 'ua@demo.parley');
    await first.waitForURL(/\/n\/geneva-2025/);
    assert.match(await first.getByTestId('eyes').innerText(), /Andriy Yermak, lead of Ukraine/);
    await first.getByRole('link', { name: 'Account' }).click();
    await first.getByText('Signed in as').waitFor();
    // The account page shows the audit log's latest signed checkpoint, to copy (the server signed at start).
    await first
      .getByLabel('The checkpoint, to copy')
      .getByText(/^parley-audit-v1 \d+ [0-9a-f]{64}$/m)
      .waitFor();

    // In a second tab of the same browser (one cookie), Ukraine signs out and Russia's lead signs in.
    const second = await context.newPage();
    await second.goto('/account');
    await second.getByRole('button', { name: 'Sign out' }).click();
    await second.getByLabel('E-mail').fill('ru@demo.parley');
    await second.getByLabel('Password').fill(DEMO_PASSWORD);
    await second.getByRole('button', { name: 'Sign in' }).click();
    await second.getByText('Yuri Ushakov').first().waitFor();

    // The first tab, untouched, now reads as Russia: it says so, and shows nothing it kept of Ukraine.
    await first.getByText('Yuri Ushakov').first().waitFor({ timeout: 15_000 });
    // Watches the page from now on (a script as text: the test's own compiled helpers do not exist there).
    await first.evaluate(`{
      window.seenUkraine = false;
      const look = () => { if (/Andriy Yermak|lead of Ukraine/.test(document.body.innerText)) window.seenUkraine = true; };
      look();
      new MutationObserver(look).observe(document.body, { subtree: true, childList: true, characterData: true });
    }`);
    await first.getByRole('link', { name: 'Your negotiations' }).first().click();
    await first
      .getByRole('link', { name: /Geneva/ })
      .first()
      .click();
    await first.getByTestId('eyes').waitFor();
    assert.match(await first.getByTestId('eyes').innerText(), /Yuri Ushakov, lead of Russia/);
    assert.equal(await first.evaluate('window.seenUkraine'), false, "the first tab never showed Ukraine's seat again");
    await screenshot(first, 'session-tabs-followed');
    await context.close();
  });
});
