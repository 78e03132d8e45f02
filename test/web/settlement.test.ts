import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { apiAs, launchBrowser, live, screenshot, serveDemo, signInAs, type Person, type Served } from './browser.ts';

const N = 'geneva-2025';
const SETTLEMENT = `/n/${N}/settlement`;

interface RedLine {
  id: string;
  partyId: string;
  title: string;
  visibility: string;
  revision: number;
}

/** Every object in an answer's JSON, however deep. */
function* objectsIn(value: unknown): Generator<Record<string, unknown>> {
  if (Array.isArray(value)) for (const item of value) yield* objectsIn(item);
  else if (value && typeof value === 'object') {
    yield value as Record<string, unknown>;
    for (const item of Object.values(value)) yield* objectsIn(item);
  }
}

async function parsed(person: Person): Promise<{ url: string; json: unknown }[]> {
  return (await person.received()).flatMap((a) => {
    try {
      return [{ url: a.url, json: JSON.parse(a.body) as unknown }];
    } catch {
      return [];
    }
  });
}

/** No answer the person received holds a utility or a preference of a party other than `own`. */
async function assertOnlyOwnUtilities(person: Person, own: string): Promise<void> {
  for (const { url, json } of await parsed(person))
    for (const object of objectsIn(json)) {
      if (object.utilities && typeof object.utilities === 'object')
        assert.deepEqual(Object.keys(object.utilities), [own], `${url} carries utilities of ${own} only`);
      if ('weights' in object && 'scores' in object)
        assert.equal(object.partyId, own, `${url} carries no preference of another party`);
    }
}

interface AnalysisAnswer {
  id: string;
  stale: boolean;
  setAside: string[];
  result: {
    included: string[];
    agreementPossible: boolean;
    conflict: string[];
    redLinesApplied: string[];
    frontier: { utilities: Record<string, number> }[];
  };
}

/** Clicks the button that runs an analysis, and waits until the page shows the very analysis the server made. */
async function runFromPage(page: Page, button: string | RegExp): Promise<AnalysisAnswer> {
  const posted = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/analyses'));
  await page.getByRole('button', { name: button }).click();
  const answer = await posted;
  let analysis: AnalysisAnswer;
  if (answer.status() === 202) {
    // A long analysis: the page follows its job; the test reads the job too, with the page's session.
    const job = (await answer.json()) as { jobId: string };
    const base = answer.url().replace(/\/analyses$/, '');
    let done: { state: string; analysisId: string | null } = { state: 'queued', analysisId: null };
    while (done.state !== 'done') {
      done = await (await page.request.get(`${base}/analysis-jobs/${job.jobId}?wait=20`)).json();
      assert.notEqual(done.state, 'failed', JSON.stringify(done));
    }
    analysis = (await (await page.request.get(`${base}/analyses/${done.analysisId}`)).json()) as AnalysisAnswer;
  } else {
    assert.equal(answer.status(), 201, await answer.text());
    analysis = (await answer.json()) as AnalysisAnswer;
  }
  await page.locator(`[data-analysis-id="${analysis.id}"]`).waitFor();
  return analysis;
}

/**
 * Russia keeps its red lines to itself: on what the mediator and Ukraine then see, an agreement
 * exists (with them public, Russia's and Ukraine's red lines on recognition and Donetsk conflict).
 */
async function russiaKeepsItsRedLines(served: Served): Promise<void> {
  const ru = await apiAs(served, 'ru@demo.parley');
  const lines = await ru<RedLine[]>('GET', '/red-lines');
  for (const line of lines.filter((l) => l.partyId === 'ru' && l.visibility !== 'party'))
    await ru('PATCH', `/red-lines/${line.id}`, { revision: line.revision, visibility: 'party' });
}

describe('the settlement view', () => {
  let served: Served;
  before(async () => {
    served = await serveDemo();
    await launchBrowser();
  });

  test('when the red lines the mediator sees cannot all hold, the view names them and draws no frontier', async () => {
    const { page, context } = await signInAs(served, 'mediator@demo.parley', { path: SETTLEMENT });
    await runFromPage(page, 'Run the analysis');
    const conflict = page.getByRole('note');
    await conflict.waitFor();
    const text = await conflict.innerText();
    assert.match(text, /No agreement is possible on this data/);
    assert.match(text, /of Russia/);
    assert.match(text, /of Ukraine/);
    assert.equal(await page.getByTestId('frontier-table').count(), 0);
    await screenshot(page, 'settlement-no-agreement');
    await context.close();
  });

  test("a what-if that sets aside the conflicting red lines finds a frontier without changing any party's data, and a reload keeps it", async () => {
    const ru = await apiAs(served, 'ru@demo.parley');
    const ua = await apiAs(served, 'ua@demo.parley');
    const before = { ru: await ru<RedLine[]>('GET', '/red-lines'), ua: await ua<RedLine[]>('GET', '/red-lines') };
    const mediator = await signInAs(served, 'mediator@demo.parley', { path: SETTLEMENT });
    const { page } = mediator;
    // The page opens the mediator's newest analysis by itself; a fresh one is run to work on.
    const conflicting = await runFromPage(page, 'Run the analysis');
    assert.equal(conflicting.result.agreementPossible, false);
    assert.ok(
      conflicting.result.conflict.filter((c) => c.startsWith('red line ')).length >= 2,
      `the conflict names red lines: ${conflicting.result.conflict.join('; ')}`,
    );

    // The engine names one conflict at a time: the mediator sets each aside in turn, until a frontier appears.
    const group = page.getByRole('group', { name: 'Set aside for this analysis' });
    let whatIf = conflicting;
    const setAside = new Set<string>();
    for (let round = 0; round < 5 && !whatIf.result.agreementPossible; round++) {
      for (const c of whatIf.result.conflict) {
        const id = /^red line (\S+)$/.exec(c)?.[1];
        if (id) setAside.add(id);
      }
      await page.getByRole('button', { name: 'Set these red lines aside for a what-if' }).click();
      await group.waitFor();
      const ticked = await group.getByRole('checkbox', { checked: true }).count();
      assert.equal(ticked, setAside.size, 'exactly the conflicting red lines are ticked');
      if (round === 0) await screenshot(page, 'settlement-what-if-form');
      whatIf = await runFromPage(page, /Run the what-if analysis/);
      assert.deepEqual([...whatIf.setAside].sort(), [...setAside].sort(), 'the server set aside those red lines');
    }
    assert.equal(whatIf.result.agreementPossible, true, 'setting aside the conflicting red lines leaves a frontier');
    assert.ok(whatIf.result.frontier.length > 0);
    const conflictLines = [...setAside];
    for (const id of conflictLines) assert.ok(!whatIf.result.redLinesApplied.includes(id));
    const note = page.getByTestId('what-if');
    assert.match(await note.innerText(), /set aside/);
    assert.match(await note.innerText(), /of Russia/);
    assert.match(await note.innerText(), /of Ukraine/);
    await page.getByTestId('frontier-table').waitFor();
    assert.match(await page.getByRole('heading', { level: 2, name: /What-if analysis of/ }).innerText(), /what-if/);
    await screenshot(page, 'settlement-what-if-frontier');
    // No party's data changed: every red line is as it was.
    assert.deepEqual(await ru<RedLine[]>('GET', '/red-lines'), before.ru);
    assert.deepEqual(await ua<RedLine[]>('GET', '/red-lines'), before.ua);

    // A reload keeps the work: the list of the mediator's analyses, the newest (the what-if) opened.
    // Only what the reloaded page asks counts: the answers before it are read to the end, then forgotten.
    await mediator.received();
    mediator.answers.length = 0;
    await page.reload();
    await page.locator(`[data-analysis-id="${whatIf.id}"]`).waitFor();
    await page.getByTestId('what-if').waitFor();
    await page.getByTestId('frontier-table').waitFor();
    const rows = page.getByTestId('earlier-analysis');
    assert.ok((await rows.count()) >= 3, 'the earlier analyses are listed');
    assert.match(await rows.first().innerText(), new RegExp(`${conflictLines.length} red lines set aside`));
    assert.match(await rows.first().innerText(), /up to date/);
    assert.match(await rows.nth(1).innerText(), /no agreement possible/);
    assert.ok(
      (await mediator.received()).some((a) => a.url.endsWith(`/analyses/${whatIf.id}`) && a.status === 200),
      'the newest was fetched by its id',
    );

    // Ukraine restates one of its red lines: the mediator's open page marks the analysis stale, live.
    const line = before.ua.find(
      (l) => l.id === conflictLines.find((id) => before.ua.some((u) => u.id === id && u.partyId === 'ua')),
    )!;
    // The reloaded page follows the live stream before the change.
    await live(page);
    await ua('PATCH', `/red-lines/${line.id}`, { revision: line.revision, title: `${line.title} (restated)` });
    await page.getByRole('button', { name: 'Run again' }).waitFor();
    // The list is read again apart from the analysis shown: it says so once its own answer is in.
    await rows.first().getByText('inputs changed since: run again').waitFor();
    assert.match(await rows.first().innerText(), /inputs changed since: run again/);
    await screenshot(page, 'settlement-stale');
    const again = await runFromPage(page, 'Run again');
    assert.equal(again.stale, false);
    assert.deepEqual([...again.setAside].sort(), [...conflictLines].sort(), 'run again keeps the what-if');
    await page.getByTestId('what-if').waitFor();
    // The newest row is the one shown once the list is read again.
    await rows.first().and(page.locator('[aria-current="true"]')).waitFor();
    assert.match(await rows.first().innerText(), /up to date/);
    await page.setViewportSize({ width: 390, height: 900 });
    await screenshot(page, 'settlement-analyses-390');
    await mediator.context.close();
  });

  test('the mediator releases a package and only its recipient sees it', async () => {
    await russiaKeepsItsRedLines(served);
    // Russia and Ukraine are already reading the page when the mediator releases.
    const ru = await signInAs(served, 'ru@demo.parley', { path: SETTLEMENT });
    await ru.page.getByText('The mediators have released no package to you.').waitFor();
    await live(ru.page);
    // A stream of Russia's own beside the app's, whose events the test can read.
    // Each event becomes an element outside the app, that the test can wait for; so does its `ready`.
    await ru.page.evaluate(`{
      const source = new EventSource('/api/negotiations/${N}/events');
      source.addEventListener('ready', () => {
        const ready = document.createElement('template');
        ready.dataset.liveReady = '';
        document.body.append(ready);
      });
      source.addEventListener('change', (e) => {
        const seen = document.createElement('template');
        seen.dataset.liveTopics = e.data;
        document.body.append(seen);
      });
    }`);
    await ru.page.locator('template[data-live-ready]').first().waitFor({ state: 'attached' });
    const ua = await signInAs(served, 'ua@demo.parley', { path: SETTLEMENT, width: 390 });
    await ua.page.getByText('The mediators have released no package to you.').waitFor();
    await live(ua.page);

    const mediator = await signInAs(served, 'mediator@demo.parley', { path: SETTLEMENT });
    const { page } = mediator;
    const analysis = await runFromPage(page, 'Run the analysis');
    await page.getByTestId('frontier-parallel').waitFor();
    const table = page.getByTestId('frontier-table');
    await table.waitFor();
    assert.match(await table.innerText(), /Utility for Ukraine/);
    assert.match(await table.innerText(), /Nash/);
    // Two parties plotted: the frontier as a scatter of their utilities.
    await page.getByRole('group', { name: 'Parties to plot' }).getByLabel(/E3/).uncheck();
    await page.getByTestId('frontier-scatter').waitFor();
    const chart = await page.getByTestId('frontier-scatter').innerHTML();
    assert.match(chart, /Utility for UA/);
    assert.match(chart, /Nash/);
    await screenshot(page, 'settlement-mediator-frontier');

    await page.getByRole('checkbox', { name: 'Release Package 1' }).check();
    await page
      .getByRole('group', { name: 'Release the ticked packages to' })
      .getByLabel('Ukraine', { exact: true })
      .check();
    await page.getByRole('button', { name: 'Release 1 package to 1 party' }).click();
    await page.getByText('Released 1 package to Ukraine.').waitFor();
    const others = Object.entries(analysis.result.frontier[0]!.utilities).filter(([party]) => party !== 'ua');
    const own = analysis.result.frontier[0]!.utilities.ua!.toFixed(3);

    // Ukraine's open page shows the package live, with its own utility only.
    const released = ua.page.getByTestId('released-package');
    await released.waitFor();
    const text = await released.innerText();
    assert.match(text, /Utility for Ukraine \(your own preferences\)/);
    assert.match(text, new RegExp(own.replace('.', '\\.')));
    assert.match(text, /Stays Ukrainian/, 'the options are said in words');
    assert.equal(
      await released.locator('thead th').count(),
      3,
      'package, its own utility, the options: no other party',
    );
    assert.doesNotMatch(text, /United Kingdom|E3/);
    const releases = (await parsed(ua)).filter((a) => a.url.endsWith('/releases'));
    const last = releases.at(-1)!.json as { partyId: string; analysisId: string | null; packages: object[] }[];
    assert.equal(last.length, 1);
    assert.equal(last[0]!.partyId, 'ua');
    assert.equal(last[0]!.analysisId, null, "nothing of the mediator's analysis");
    assert.deepEqual(Object.keys(last[0]!.packages[0]!).sort(), ['choices', 'utility']);
    await assertOnlyOwnUtilities(ua, 'ua');
    for (const { body } of await ua.received())
      assert.ok(!body.includes(analysis.id), 'the analysis id never reaches Ukraine');
    assert.ok(others.length > 0);
    await screenshot(ua.page, 'settlement-recipient-390');

    // Russia was not a recipient: nothing in its page, its answers or its live stream. A change that
    // Russia does see (its own red line) comes after the release: once it has arrived, any event
    // about the release would have arrived before it.
    const api = await apiAs(served, 'ru@demo.parley');
    const line = (await api<RedLine[]>('GET', '/red-lines')).find((l) => l.partyId === 'ru')!;
    await api('PATCH', `/red-lines/${line.id}`, { revision: line.revision, title: `${line.title} (kept)` });
    await ru.page.locator('template[data-live-topics*="red-lines"]').waitFor({ state: 'attached' });
    const topics = await ru.page
      .locator('template[data-live-topics]')
      .evaluateAll((all) => all.map((t) => t.getAttribute('data-live-topics') ?? ''));
    assert.ok(!topics.some((t) => t.includes('releases')), `Russia's stream names no release: ${topics.join(' ')}`);
    await ru.page.reload();
    await ru.page.getByText('The mediators have released no package to you.').waitFor();
    assert.equal(await ru.page.getByTestId('released-package').count(), 0);
    for (const { url, body } of await ru.received()) {
      if (url.endsWith('/releases')) assert.equal(body, '[]');
      assert.ok(!body.includes(analysis.id), 'the analysis id never reaches Russia');
      assert.ok(!/"event: change[^]*releases/.test(body), 'the app stream names no release');
    }
    await screenshot(ru.page, 'settlement-not-a-recipient');
    await Promise.all([ru.context.close(), ua.context.close(), mediator.context.close()]);
  });

  test("a party's analysis runs on its own data, and its answer holds no other party's preferences", async () => {
    await russiaKeepsItsRedLines(served);
    const ua = await signInAs(served, 'ua@demo.parley', { path: SETTLEMENT });
    const answer = await runFromPage(ua.page, 'Run the analysis');
    const chart = ua.page.getByTestId('frontier-bars');
    await chart.waitFor();
    assert.match(await chart.innerHTML(), /Utility for UA/);
    await ua.page.getByTestId('frontier-table').waitFor();
    const section = await ua.page.getByTestId('analysis').innerText();
    assert.match(section, /Left out:.*United States.*as their preferences are not shared with you/s);
    assert.deepEqual(answer.result.included, ['ua']);
    assert.ok(answer.result.frontier.length > 0);
    await assertOnlyOwnUtilities(ua, 'ua');
    await screenshot(ua.page, 'settlement-own-analysis');
    await ua.context.close();
  });
});
