import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { launchBrowser, screenshot, serveDemo, signInAs, type Served } from './browser.ts';

const N = '/n/geneva-2025';

describe('comparing versions and approving a text before it is sent', () => {
  let served: Served;
  before(async () => {
    served = await serveDemo();
    await launchBrowser();
  });

  test('a principal approves and the text is transmitted', async () => {
    // Russia cannot open the post-Geneva text: it has not reached it.
    const russia = await signInAs(served, 'ru@demo.parley');
    const hidden = await russia.page.evaluate(
      async () => (await fetch('/api/negotiations/geneva-2025/versions/v-geneva-19')).status,
    );
    assert.equal(hidden, 404, 'Russia does not have v-geneva-19 yet');
    await russia.context.close();

    // The US lead tries to send it to Russia first: the rule refuses, and says who is awaited.
    const lead = await signInAs(served, 'us@demo.parley');
    await lead.page.goto(`${N}/approvals?version=v-geneva-19`);
    const send = lead.page.getByRole('form', { name: 'Send this text' });
    await send.getByLabel('Russia', { exact: true }).check();
    await send.getByRole('button', { name: 'Send' }).click();
    const refusal = lead.page.getByTestId('send-refusal');
    await refusal.waitFor();
    assert.match(await refusal.innerText(), /Presidents approve/, 'the refusal names the rule');
    assert.match(await refusal.innerText(), /Donald Trump/, 'and who is awaited');
    await lead.context.close();

    // Zelensky approved this text already: his page shows it, and offers no second approval.
    const zelensky = await signInAs(served, 'ua-principal@demo.parley');
    await zelensky.page.goto(`${N}/approvals?version=v-geneva-19`);
    const stage = zelensky.page.getByTestId('stage').first();
    // People are named from the members, read apart from the approvals: until then a decision shows an id.
    await stage.getByTestId('decision').filter({ hasText: 'Volodymyr Zelensky' }).waitFor();
    assert.match(await stage.innerText(), /approved\s+Volodymyr Zelensky/);
    assert.match(await stage.getByTestId('awaiting').innerText(), /Donald Trump/);
    assert.match(await stage.innerText(), /overdue/, 'the deadline has passed: the stage says so in words');
    assert.equal((await stage.locator('.badge.overdue').count()) > 0, true);
    // Who may decide at a stage comes with the rules, read apart too: the page offers his choices once it has them.
    await zelensky.page.getByRole('button', { name: 'Refuse this text…' }).waitFor();
    assert.equal(await zelensky.page.getByRole('button', { name: 'Approve this text…' }).count(), 0);
    assert.equal(await zelensky.page.getByRole('button', { name: 'Refuse this text…' }).count(), 1);
    await zelensky.context.close();

    // Trump approves from the page, in a dialog that names the exact text.
    const trump = await signInAs(served, 'us-principal@demo.parley');
    await trump.page.goto(`${N}/approvals?version=v-geneva-19`);
    const hash = (await trump.page.getByTestId('content-hash').innerText()).trim();
    assert.match(hash, /^[0-9a-f]{64}$/);
    await screenshot(trump.page, 'compare-approvals-before');
    await trump.page.getByRole('button', { name: 'Approve this text…' }).click();
    const dialog = trump.page.getByRole('dialog');
    await dialog.waitFor();
    assert.ok((await dialog.innerText()).includes(hash), 'the dialog shows the hash of the text');
    assert.match(await dialog.innerText(), /bound to this exact text/);
    await dialog.getByLabel(/Comment/).fill('For the US delegation only');
    await dialog.getByRole('button', { name: 'Approve this exact text' }).click();
    await dialog.waitFor({ state: 'detached' });
    // The last approval sends the text on to Russia at once: the page says when it was released.
    const cleared = trump.page.getByTestId('cleared');
    // Named from the members and the parties, each read apart from the approvals.
    await cleared.filter({ hasText: /Donald Trump.*Russia/s }).waitFor();
    assert.match(await cleared.innerText(), /Donald Trump.*Russia/s);
    const decisions = trump.page.getByTestId('stage').first().getByTestId('decision');
    await decisions.filter({ hasText: 'Donald Trump' }).waitFor();
    assert.match(await decisions.filter({ hasText: 'Donald Trump' }).innerText(), /late/);
    assert.match(await trump.page.getByTestId('rule').first().innerText(), /approved/);
    await screenshot(trump.page, 'compare-approvals-after');
    await trump.context.close();

    // Russia now has it in its versions picker, without the presidents' comments.
    const after = await signInAs(served, 'ru@demo.parley');
    await after.page.goto(`${N}/approvals?version=v-geneva-19`);
    const picker = after.page.getByLabel('Version');
    await picker.locator('option[value="v-geneva-19"]').waitFor({ state: 'attached' });
    assert.equal(await picker.inputValue(), 'v-geneva-19');
    await after.page.getByTestId('rule').first().waitFor();
    // Parties are named from the parties, read apart from the versions.
    const transmissions = after.page.getByTestId('transmissions');
    await transmissions.getByText('Russia', { exact: true }).waitFor();
    assert.match(await transmissions.innerText(), /Russia on/, 'Russia reads when the text reached it');
    await screenshot(after.page, 'compare-approvals-received');
    assert.ok(
      !(await after.received()).some((a) => a.body.includes('For the US delegation only')),
      'comments stay with the US',
    );
    await after.context.close();
  });

  test('the compare view of the counter-proposal shows a changed point with word-level marks', async () => {
    const { page, context } = await signInAs(served, 'eu@demo.parley');
    await page.goto(`${N}/compare?version=v-e3-counter`);
    const summary = page.getByTestId('compare-summary');
    await summary.waitFor();
    assert.equal(
      await page.getByLabel('Compared with', { exact: true }).inputValue(),
      'v-us-28',
      'the base defaults to the parent',
    );
    const counts = Object.fromEntries(
      [...(await summary.innerText()).matchAll(/(\d+) (changed|added|removed|moved|renumbered|unchanged)/g)].map(
        (m) => [m[2], Number(m[1])],
      ),
    );
    const points = page.getByTestId('compare-point');
    for (const kind of ['changed', 'added', 'removed', 'moved', 'renumbered', 'unchanged'])
      assert.equal(
        await points.and(page.locator(`.is-${kind}`)).count(),
        counts[kind],
        `the summary counts as many ${kind} points as are marked`,
      );
    assert.ok(counts.changed! >= 1, 'the counter-proposal changes at least one point');
    const changed = points.and(page.locator('.is-changed'));
    let marked = false;
    for (let i = 0; i < (await changed.count()) && !marked; i++) {
      const point = changed.nth(i);
      const ins = (await point.locator('ins').allInnerTexts()).join(' ');
      const del = (await point.locator('del').allInnerTexts()).join(' ');
      marked = /\p{L}{2,}/u.test(ins) && /\p{L}{2,}/u.test(del);
    }
    assert.ok(marked, 'a changed point marks added and removed words');
    await screenshot(page, 'compare-approvals-compare-1280');

    // The choice is in the address: a link opens the same comparison, and "changed only" hides the rest.
    assert.match(page.url(), /version=v-e3-counter/);
    const total = await points.count();
    await page.getByLabel('Changed points only').check();
    assert.ok((await points.count()) < total || counts.unchanged === 0);
    assert.equal(await points.and(page.locator('.is-unchanged')).count(), 0);
    assert.equal(await points.and(page.locator('.is-changed')).count(), counts.changed, 'every changed point stays');

    await page.setViewportSize({ width: 390, height: 844 });
    const side = page.locator('.compare-point.is-changed .compare-side');
    const [left, right] = [await side.nth(0).boundingBox(), await side.nth(1).boundingBox()];
    assert.ok(left && right && right.y > left.y, 'at 390 px the two versions stand one above the other');
    await screenshot(page, 'compare-approvals-compare-390');

    // Another base is kept in the address too, so that the link opens the same two versions.
    await page.getByLabel('Compared with', { exact: true }).selectOption('v-geneva-19');
    await page.waitForURL(/base=v-geneva-19/);
    await page.reload();
    await summary.waitFor();
    assert.equal(await page.getByLabel('Compared with', { exact: true }).inputValue(), 'v-geneva-19');
    assert.match(await summary.innerText(), /against Post-Geneva/);
    await context.close();
  });
});
