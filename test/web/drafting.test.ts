import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { launchBrowser, screenshot, serveDemo, settled, signInAs, type Served } from './browser.ts';

const N = '/n/geneva-2025';

describe('drafting a new version in the web app', () => {
  let served: Served;
  before(async () => {
    served = await serveDemo();
    await launchBrowser();
  });

  test('the mediator edits a point, merges two, brackets a span with two alternatives and issues the text', async () => {
    const { page } = await signInAs(served, 'mediator@demo.parley');
    await page.goto(`${N}/text`);
    await settled(page);
    const baseLabel = (await page.locator('#text-title').innerText()).trim();
    const base: any = await page.evaluate(async () => (await fetch('/api/negotiations/geneva-2025/document')).json());

    await page.getByRole('button', { name: 'Draft a new text from this version' }).click();
    await page.getByRole('heading', { name: `Drafting: ${baseLabel} (draft)` }).waitFor();
    assert.match(page.url(), /\/n\/geneva-2025\/draft\/[^/]+$/);
    const draftId = decodeURIComponent(page.url().split('/').pop()!);
    const state = page.getByRole('status').filter({ hasText: /^(Saved|Saving|Not saved)/ });

    // A point's title and wording, edited in place.
    await page.getByLabel('Title of point 1', { exact: true }).fill('Sovereignty, as redrafted');
    const first = page.getByRole('textbox', { name: 'Text of point 1', exact: true });
    await first.click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type(' Confirmed in Geneva.');

    // A span of point 4 bracketed with two alternatives, the first standing for an option of an issue.
    const fourth = page.getByRole('textbox', { name: 'Text of point 4', exact: true });
    await fourth.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('The parties agree to a ceasefire.');
    await page.keyboard.press('ArrowLeft');
    for (let i = 0; i < 'ceasefire'.length; i++) await page.keyboard.press('Shift+ArrowLeft');
    const actions4 = page.getByRole('group', { name: 'Change point 4' });
    await actions4.getByRole('button', { name: 'Bracket the selection' }).click();
    const form = page.getByRole('group', { name: 'Bracket “ceasefire”' });
    assert.equal(await form.getByLabel('Alternative A').inputValue(), 'ceasefire');
    await form.getByLabel('Alternative B').fill('truce');
    const standsFor = form.getByLabel('stands for').first();
    const option = await standsFor.locator('option').nth(1).getAttribute('value');
    assert.ok(option, 'the issues of the negotiation offer options');
    await standsFor.selectOption(option);
    await form.getByRole('button', { name: 'Bracket it' }).click();
    await fourth.locator('[data-bracket]').filter({ hasText: '[ceasefire] / [truce]' }).waitFor();

    // Point 4 tagged with the issue its bracket decides, and the option the text settles on for now.
    const [issueId, optionId] = option.split(' ');
    const issues = (await page.evaluate(async () => (await fetch('/api/negotiations/geneva-2025/issues')).json())) as {
      id: string;
      name: string;
    }[];
    const issue = issues.find((i) => i.id === issueId)!;
    const card4 = page.locator('li', { has: actions4 });
    await card4.getByText(/^Issues it decides/).click();
    const tag = card4.getByRole('checkbox', { name: issue.name, exact: true });
    if (!(await tag.isChecked())) await tag.check();
    await card4.getByLabel(`What the text settles on ${issue.name}`).selectOption(optionId!);

    // Points 2 and 3 merged into one.
    await page
      .getByRole('group', { name: 'Change point 2' })
      .getByRole('button', { name: 'Merge with the next point' })
      .click();
    await page.getByText(/^Made from points .* of the text it was drafted from$/).waitFor();
    await state.filter({ hasText: /^Saved/ }).waitFor();
    await screenshot(page, 'drafting');

    await page.getByRole('button', { name: 'Issue as version' }).click();
    await page.getByRole('status').filter({ hasText: 'Issued as a version.' }).waitFor();

    // The issued version, read back through the API, holds each change.
    const issued = await page.evaluate(async (id) => {
      const draft: any = await (await fetch(`/api/negotiations/geneva-2025/drafts/${id}`)).json();
      const version: any = await (
        await fetch(`/api/negotiations/geneva-2025/versions/${draft.issuedVersionId}`)
      ).json();
      const compared: any = await (
        await fetch(`/api/negotiations/geneva-2025/versions/${draft.issuedVersionId}/compare`)
      ).json();
      return { version, compared };
    }, draftId);
    const { version, compared } = issued;
    assert.equal(version.parentId, base.id);
    assert.equal(version.points.length, base.points.length - 1, 'two points became one');
    assert.equal(version.points[0].title, 'Sovereignty, as redrafted');
    assert.ok(version.points[0].text.endsWith(' Confirmed in Geneva.'), version.points[0].text);
    const merged = version.points[1];
    assert.deepEqual(merged.derivedFrom, [base.points[1].id, base.points[2].id]);
    assert.ok(merged.text.startsWith(base.points[1].text.slice(0, 20)));
    const bracketed = version.points[2];
    assert.equal(bracketed.id, base.points[3].id);
    assert.equal(bracketed.brackets.length, 1);
    const [bracket] = bracketed.brackets;
    assert.equal(bracketed.text, `The parties agree to a [[${bracket.id}]].`);
    assert.deepEqual(
      bracket.alternatives.map((a: { text: string }) => a.text),
      ['ceasefire', 'truce'],
    );
    assert.deepEqual(bracket.alternatives[0].choices, { [issueId!]: optionId });
    assert.ok(bracketed.issueIds.includes(issueId), 'the point decides the issue');
    assert.equal(version.optionChoices[issueId!], optionId, 'the text settles the issue on the option chosen');
    const gone = compared.comparison.points.find((p: { pointId: string }) => p.pointId === base.points[2].id);
    assert.deepEqual(gone.kinds, ['merged'], 'compare shows the merge, not a removal');
  });

  test('when a colleague saved the draft meanwhile, the page shows both wordings and saves the merge chosen', async () => {
    const { page } = await signInAs(served, 'mediator@demo.parley');
    await page.goto(`${N}/text`);
    await settled(page);
    await page.getByRole('button', { name: 'Draft a new text from this version' }).click();
    await page.getByRole('heading', { name: /^Drafting: / }).waitFor();
    const draftId = decodeURIComponent(page.url().split('/').pop()!);

    // A colleague saves the draft behind the page's back: point 2 in their words.
    const status = await page.evaluate(async (id) => {
      const session: any = await (await fetch('/api/auth/session')).json();
      const draft: any = await (await fetch(`/api/negotiations/geneva-2025/drafts/${id}`)).json();
      draft.points[1].text = 'Point two, as the colleague wrote it.';
      const answer = await fetch(`/api/negotiations/geneva-2025/drafts/${id}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken },
        body: JSON.stringify({
          revision: draft.revision,
          label: draft.label,
          summary: draft.summary,
          points: draft.points,
        }),
      });
      return answer.status;
    }, draftId);
    assert.equal(status, 200);

    // The page, at the older revision, edits point 1: its save is refused, and the merge view opens.
    await page.getByLabel('Title of point 1', { exact: true }).fill('Point one, as the mediator wrote it');
    const merge = page.getByRole('region', { name: 'Someone else saved this draft meanwhile' });
    await merge.waitFor();
    const second = merge.getByRole('group', { name: /^Point 2/ });
    await second.getByRole('radio', { name: /Theirs: .*Point two, as the colleague wrote it\.$/ }).check();
    await merge.getByRole('button', { name: 'Save the merge' }).click();
    await merge.waitFor({ state: 'detached' });
    await page
      .getByRole('status')
      .filter({ hasText: /^Saved/ })
      .waitFor();

    const saved: any = await page.evaluate(
      async (id) => (await fetch(`/api/negotiations/geneva-2025/drafts/${id}`)).json(),
      draftId,
    );
    assert.equal(saved.revision, 3, "the merge was saved on top of the colleague's save");
    assert.equal(saved.points[0].title, 'Point one, as the mediator wrote it', "the mediator's edit is kept");
    assert.equal(saved.points[1].text, 'Point two, as the colleague wrote it.', "the colleague's words are kept");
  });
});
