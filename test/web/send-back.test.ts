import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { launchBrowser, screenshot, serveDemo, signInAs, type Served } from './browser.ts';

const N = '/n/geneva-2025';
const REVISE = 'Point 7: keep the NATO wording agreed in Geneva';

describe('a principal sends a text back for revision from the approvals page', () => {
  let served: Served;
  before(async () => {
    served = await serveDemo();
    await launchBrowser();
  });

  test('the post-Geneva text sent back with a comment shows as sent back to its party, and Russia still cannot open it', async () => {
    const trump = await signInAs(served, 'us-principal@demo.parley');
    await trump.page.setViewportSize({ width: 390, height: 900 });
    await trump.page.goto(`${N}/approvals?version=v-geneva-19`);
    await trump.page.getByRole('button', { name: 'Send back for revision…' }).click();
    const dialog = trump.page.getByRole('dialog');
    await dialog.waitFor();
    const hash = (await trump.page.getByTestId('content-hash').innerText()).trim();
    assert.ok((await dialog.innerText()).includes(hash), 'the dialog names the exact text');
    const comment = dialog.getByLabel(/What to revise/);
    assert.equal(await comment.getAttribute('aria-required'), 'true', 'a send-back says what to revise');
    // Only spaces: the page asks for what to revise before anything is recorded.
    await comment.fill('   ');
    await dialog.getByRole('button', { name: 'Send this exact text back' }).click();
    assert.match(await dialog.getByRole('alert').innerText(), /Say what to revise/);
    await comment.fill(REVISE);
    await screenshot(trump.page, 'send-back-dialog-390');
    await dialog.getByRole('button', { name: 'Send this exact text back' }).click();
    await dialog.waitFor({ state: 'detached' });

    const stage = trump.page.getByTestId('stage').first();
    // Named from the members, read apart from the approvals.
    await stage.getByTestId('sent-back').filter({ hasText: 'Donald Trump' }).waitFor();
    assert.match(await stage.getByTestId('sent-back').innerText(), /Sent back for revision by Donald Trump/);
    const decision = stage.getByTestId('decision').filter({ hasText: 'Donald Trump' });
    assert.match(await decision.innerText(), /sent back\s+Donald Trump/);
    assert.ok((await decision.innerText()).includes(REVISE), 'his own party reads what to revise');
    assert.match(await trump.page.getByTestId('rule').first().innerText(), /sent back for revision/);
    // He may still change his mind: approve or refuse are offered, a second send-back is not.
    await trump.page.getByRole('button', { name: 'Approve this text…' }).waitFor();
    assert.equal(await trump.page.getByRole('button', { name: 'Send back for revision…' }).count(), 0);
    assert.equal(await trump.page.getByRole('button', { name: 'Approve this text…' }).count(), 1);
    await screenshot(trump.page, 'send-back-sent-390');
    await trump.context.close();

    // The US lead reads the comment; sending to Russia is refused, naming who sent it back.
    const lead = await signInAs(served, 'us@demo.parley');
    await lead.page.goto(`${N}/approvals?version=v-geneva-19`);
    await lead.page.getByTestId('sent-back').first().waitFor();
    assert.ok((await lead.page.getByTestId('stage').first().innerText()).includes(REVISE));
    const send = lead.page.getByRole('form', { name: 'Send this text' });
    await send.getByLabel('Russia', { exact: true }).check();
    await send.getByRole('button', { name: 'Send' }).click();
    const refusal = lead.page.getByTestId('send-refusal');
    await refusal.waitFor();
    assert.match(await refusal.innerText(), /sent this text back for revision \(sent back by Donald Trump\)/);
    await screenshot(lead.page, 'send-back-refused-1280');
    await lead.context.close();

    // Ukraine sees that the text was sent back, not the US comment.
    const ukraine = await signInAs(served, 'ua@demo.parley');
    await ukraine.page.goto(`${N}/approvals?version=v-geneva-19`);
    await ukraine.page.getByTestId('sent-back').first().waitFor();
    assert.ok(!(await ukraine.received()).some((a) => a.body.includes(REVISE)), 'the comment stays with the US');
    await ukraine.context.close();

    const russia = await signInAs(served, 'ru@demo.parley');
    const status = await russia.page.evaluate(
      async () => (await fetch('/api/negotiations/geneva-2025/versions/v-geneva-19')).status,
    );
    assert.equal(status, 404, 'a sent-back text does not reach Russia');
    await russia.context.close();
  });
});
