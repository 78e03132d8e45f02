import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { launchBrowser, screenshot, serveDemo, signInAs, type Served } from './browser.ts';

describe('signing in on the web page', () => {
  let served: Served;
  before(async () => {
    served = await serveDemo();
    await launchBrowser();
  });

  test('a delegate signs in and every page says through whose eyes they read', async () => {
    const { page, context } = await signInAs(served, 'ua@demo.parley');
    await page.waitForURL(/\/n\/geneva-2025/);
    assert.match(await page.getByTestId('eyes').innerText(), /Andriy Yermak, lead of Ukraine/);
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === 'parley_session');
    assert.ok(session, 'the session is a cookie');
    assert.equal(session.httpOnly, true, 'page scripts cannot read it');
    assert.equal(session.sameSite, 'Strict');
    assert.equal(await page.evaluate('document.cookie'), '', 'no cookie is visible to the page');
    await screenshot(page, 'sign-in-dashboard');
    await context.close();
  });

  test('a wrong password is refused with a sentence, and no session is made', async () => {
    const context = await (await launchBrowser()).newContext({ baseURL: served.url });
    const page = await context.newPage();
    await page.goto('/');
    await page.getByLabel('E-mail').fill('ua@demo.parley');
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
    assert.match(await page.getByRole('alert').innerText(), /the e-mail or the password is wrong/);
    assert.equal((await context.cookies()).length, 0);
    await screenshot(page, 'sign-in-refused');
    await context.close();
  });

  test('a person signs in and moves between pages with the keyboard alone', async () => {
    const context = await (await launchBrowser()).newContext({ baseURL: served.url });
    const page = await context.newPage();
    await page.goto('/');
    await page.getByLabel('E-mail').focus();
    await page.keyboard.type('ua@demo.parley');
    await page.keyboard.press('Tab');
    await page.keyboard.type('parley-demo');
    await page.keyboard.press('Enter');
    await page.getByTestId('eyes').waitFor();
    // The first Tab reaches the skip link, which takes the focus to the page itself.
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate('document.activeElement.textContent'), 'Skip to the page');
    // Every item of the menu is reached by Tab, and Enter opens it.
    let reached = '';
    for (let i = 0; i < 20 && reached !== 'Text'; i++) {
      await page.keyboard.press('Tab');
      reached = String(await page.evaluate('document.activeElement.textContent'));
    }
    assert.equal(reached, 'Text', 'the menu is reachable by Tab');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/n\/geneva-2025\/text$/);
    await page.getByRole('heading', { name: 'The text' }).waitFor();
    await screenshot(page, 'sign-in-keyboard-text');
    await context.close();
  });

  test('signing out ends the session on the server, and the page shows the sign-in form again', async () => {
    const { page, context } = await signInAs(served, 'ru@demo.parley');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    const again = await page.evaluate(async () => (await fetch('/api/auth/session')).status);
    assert.equal(again, 401);
    await context.close();
  });
});
