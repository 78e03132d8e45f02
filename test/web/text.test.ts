import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { userByEmail } from '../../src/store/accounts.ts';
import { listPositions } from '../../src/store/positions.ts';
import { Store } from '../../src/store/store.ts';
import { listVersions } from '../../src/store/texts.ts';
import { demoDatabase, signIn } from '../helpers.ts';
import { launchBrowser, live, screenshot, serveDemo, settled, signInAs, type Person, type Served } from './browser.ts';

const NEGOTIATION = 'geneva-2025';
const MENU = ['/', '/text', '/matrix', '/compare', '/approvals', '/rounds', '/settlement', '/convening'];

/** A point card of the text page, by its number. */
const pointCard = (page: Page, number: number) =>
  page
    .locator('li.point[data-point]')
    .filter({ has: page.getByRole('heading', { name: new RegExp(`^${number}\\. `) }) });

/**
 * What Russia must never receive, read from the database as its operator (everything, as `parley
 * export` without --as reads it): each Ukrainian position that is not public (its id, its proposed
 * wording, its rationale), and each version not transmitted to Russia (its id and label), by the
 * transmissions recorded in the database.
 */
async function forbiddenForRussia(file: string): Promise<{ ids: string[]; texts: string[]; ukraine: string }> {
  const store = await Store.open(file);
  try {
    const ctx = await store.operatorContext(NEGOTIATION);
    const partyOf = async (email: string) => {
      const user = await userByEmail(store, email);
      const party = ctx.memberships.find((m) => m.userId === user?.id)?.partyId;
      assert.ok(party, `${email} sits for a party`);
      return party;
    };
    const [russia, ukraine] = [await partyOf('ru@demo.parley'), await partyOf('ua@demo.parley')];
    const transmissions = await store.db.selectFrom('version_recipients').select(['version_id', 'party_id']).execute();
    const received = new Set(transmissions.filter((t) => t.party_id === russia).map((t) => t.version_id));
    const versions = await listVersions(store, ctx);
    const unreceived = versions.filter((v) => !received.has(v.id) && v.authorPartyId !== russia);
    const hidden = (await listPositions(store, ctx)).filter((p) => p.partyId === ukraine && p.visibility !== 'public');
    const ids = [...unreceived.map((v) => v.id), ...hidden.map((p) => p.id)];
    // A private position may propose words that stand, verbatim, in a text Russia did receive, or
    // give the reason another party gave in public: those words are not the secret (its id is).
    const positions = await listPositions(store, ctx);
    const open = [
      ...versions
        .filter((v) => received.has(v.id))
        .flatMap((v) =>
          v.points.flatMap((p) => [p.title, p.text, ...p.brackets.flatMap((b) => b.alternatives.map((a) => a.text))]),
        ),
      ...positions.filter((p) => p.visibility === 'public').flatMap((p) => [p.proposedText ?? '', p.rationale]),
    ].join('\n');
    const texts = [
      ...unreceived.map((v) => v.label),
      ...hidden
        .flatMap((p) => [p.proposedText ?? '', p.rationale])
        .filter((t) => t.trim().length >= 12 && !open.includes(t)),
    ];
    assert.ok(unreceived.length > 0, 'some version has not been transmitted to Russia');
    assert.ok(hidden.length > 0, 'Ukraine holds some position that is not public');
    assert.ok(texts.length > unreceived.length, "some of Ukraine's private words are its own");
    return { ids, texts, ukraine };
  } finally {
    await store.close();
  }
}

/** Whether an id appears as a whole id (not as the start of a longer one) in a text. */
function hasId(haystack: string, id: string): boolean {
  let at = haystack.indexOf(id);
  while (at !== -1) {
    const next = haystack[at + id.length];
    const previous = haystack[at - 1];
    if ((!next || !/[A-Za-z0-9._:-]/.test(next)) && (!previous || !/[A-Za-z0-9._:-]/.test(previous))) return true;
    at = haystack.indexOf(id, at + 1);
  }
  return false;
}

/** Every live event the page's EventSource receives, kept across the page's life in window.__parleyEvents. */
const RECORD_EVENTS = `(() => {
  const events = [];
  window.__parleyEvents = events;
  const Original = window.EventSource;
  window.EventSource = class extends Original {
    constructor(url, init) {
      super(url, init);
      for (const type of ['ready', 'change', 'ended', 'message'])
        this.addEventListener(type, (event) => events.push(type + ' ' + event.data));
    }
  };
})()`;

/**
 * Reads the raw live stream beside the page's own, into window.__rawStream; done once the stream is
 * `ready` (the server follows it from then on: its headers come before that).
 */
const READ_RAW_STREAM = (negotiation: string) => `(async () => {
  const raw = [];
  window.__rawStream = raw;
  const answer = await fetch('/api/negotiations/${negotiation}/events');
  const reader = answer.body.pipeThrough(new TextDecoderStream()).getReader();
  await new Promise((ready, failed) => {
    (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return failed(new Error('the raw stream ended before it was ready: ' + raw.join('')));
        raw.push(value);
        if (raw.join('').includes('event: ready')) ready();
      }
    })().catch(failed);
  });
})()`;

/** Waits (up to 15 s) until the raw live stream has carried a change event; says whether it did. */
const RAW_STREAM_CHANGED = `new Promise((resolve) => {
  const until = Date.now() + 15000;
  const look = () => {
    if (window.__rawStream.join('').includes('event: change')) resolve(true);
    else if (Date.now() > until) resolve(false);
    else setTimeout(look, 50);
  };
  look();
})`;

/** A colleague's change of UA's position on the second point of the current text, behind the form's back. */
const CHANGE_ELSEWHERE = (negotiation: string) => `(async () => {
  const get = async (path) => (await fetch('/api/' + path)).json();
  const session = await get('auth/session');
  const positions = await get('negotiations/${negotiation}/positions');
  const text = await get('negotiations/${negotiation}/document');
  const mine = positions.find((p) => p.versionId === text.id && p.pointId === text.points[1].id && p.partyId === 'ua');
  const answer = await fetch('/api/negotiations/${negotiation}/positions/' + mine.id, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken },
    body: JSON.stringify({ revision: mine.revision, rationale: 'Changed by a colleague meanwhile.' }),
  });
  return answer.status;
})()`;

const OPEN_ALL_DETAILS = `document.querySelectorAll('details').forEach((d) => { d.open = true; })`;

describe('the text and the positions matrix', () => {
  let served: Served;
  before(async () => {
    served = await serveDemo();
    await launchBrowser();
  });

  test("the Ukrainian delegate signs in, records an amendment on a point, and the mediator's open screen shows it live", async () => {
    const mediator = await signInAs(served, 'mediator@demo.parley');
    await mediator.page.goto(`/n/${NEGOTIATION}/text`);
    await settled(mediator.page);
    const mediatorPoint = pointCard(mediator.page, 1);
    await mediatorPoint.waitFor();
    // The change below is made once the mediator's page follows the live stream.
    await live(mediator.page);
    assert.equal(
      await mediator.page.getByRole('button', { name: /position on point/ }).count(),
      0,
      'a mediator records no position',
    );

    const ua = await signInAs(served, 'ua@demo.parley');
    await ua.page.goto(`/n/${NEGOTIATION}/text`);
    await settled(ua.page);
    const wording = `Ukraine proposes, in test ${Date.now()}, that the ceasefire line be monitored jointly.`;
    const point = pointCard(ua.page, 1);
    await point.getByRole('button', { name: /UA’s position on point 1$/ }).click();
    const form = point.getByRole('form', { name: /UA’s position on point 1/ });
    await form.getByLabel('amend', { exact: true }).check();
    await form.getByLabel(/^Proposed wording/).fill(wording);
    await form.getByLabel('Rationale').fill('A joint mechanism is what Kyiv can accept.');
    await form.getByLabel('Seen by').selectOption('mediator');
    await form.getByRole('button', { name: 'Save position' }).click();
    await form.waitFor({ state: 'detached' });
    await point.locator('details[data-party="ua"] .badge', { hasText: 'amend' }).waitFor();

    // The mediator's page, open all along, shows it without a reload.
    const shown = mediatorPoint.locator('details[data-party="ua"]');
    await shown.getByText(wording).waitFor({ state: 'attached', timeout: 15_000 });
    await shown.locator('summary').click();
    await shown.getByText(wording).waitFor();
    assert.match(await shown.innerText(), /shared with the mediators/);
    await screenshot(ua.page, 'text-ua-amendment');
    await screenshot(mediator.page, 'text-mediator-live');
    await Promise.all([ua.context.close(), mediator.context.close()]);
  });

  test('a change made after a page read its data but before its live stream opened still reaches the page', async () => {
    const mediator = await signInAs(served, 'mediator@demo.parley');
    // The page's live stream is held back until Ukraine has written.
    let openStream!: () => void;
    const held = new Promise<void>((resolve) => (openStream = resolve));
    await mediator.page.route('**/events', async (route) => {
      await held;
      await route.continue();
    });
    await mediator.page.goto(`/n/${NEGOTIATION}/text`);
    await settled(mediator.page);
    const versionId = await mediator.page.locator('#text-version').inputValue();
    const ua = await signIn(served.url, 'ua@demo.parley');
    const version = (
      await ua.get<{ points: { id: string; number: number }[] }>(
        `/api/negotiations/${NEGOTIATION}/versions/${versionId}`,
      )
    ).body;
    const wording = `Written while the mediator's stream was opening, ${Date.now()}.`;
    const taken = (
      await ua.get<{ partyId: string; pointId: string }[]>(
        `/api/negotiations/${NEGOTIATION}/positions?version=${versionId}`,
      )
    ).body.filter((p) => p.partyId === 'ua');
    const target = version.points.find((point) => !taken.some((p) => p.pointId === point.id))!;
    assert.ok(target, 'a point Ukraine has taken no position on');
    const written = await ua.post(`/api/negotiations/${NEGOTIATION}/positions`, {
      versionId,
      pointId: target.id,
      partyId: 'ua',
      stance: 'amend',
      proposedText: wording,
      rationale: 'Sent before the stream opened.',
      visibility: 'mediator',
    });
    assert.equal(written.status, 201, JSON.stringify(written.body));
    openStream();
    await live(mediator.page);
    await pointCard(mediator.page, target.number)
      .locator('details[data-party="ua"]')
      .getByText(wording)
      .waitFor({ state: 'attached', timeout: 15_000 });
    await mediator.context.close();
  });

  test('when a refresh fails, the matrix stays on screen with a word that it could not be refreshed', async () => {
    const ua = await signInAs(served, 'ua@demo.parley');
    await ua.page.goto(`/n/${NEGOTIATION}/matrix`);
    await settled(ua.page);
    await live(ua.page);
    const matrix = ua.page.locator('table.matrix');
    await matrix.waitFor();
    // From now on the positions cannot be read; a change elsewhere makes the page read them again.
    await ua.page.route(`**/api/negotiations/${NEGOTIATION}/positions**`, (route) =>
      route.fulfill({
        status: 503,
        contentType: 'application/problem+json',
        body: JSON.stringify({ type: 'about:blank', status: 503, title: 'Service Unavailable', detail: 'try again' }),
      }),
    );
    const api = await signIn(served.url, 'ua@demo.parley');
    const mine = (
      await api.get<{ id: string; partyId: string; revision: number }[]>(`/api/negotiations/${NEGOTIATION}/positions`)
    ).body.find((p) => p.partyId === 'ua')!;
    const changed = await api.patch(`/api/negotiations/${NEGOTIATION}/positions/${mine.id}`, {
      revision: mine.revision,
      rationale: `Restated ${Date.now()}.`,
    });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    await ua.page
      .getByRole('alert')
      .filter({ hasText: 'Could not refresh the positions' })
      .waitFor({ timeout: 15_000 });
    assert.ok(await matrix.isVisible(), 'what was read before is still shown');
    await ua.context.close();
  });

  test('a stale revision is refused with the current state, and re-applying on it saves the change', async () => {
    const ua = await signInAs(served, 'ua@demo.parley');
    await ua.page.goto(`/n/${NEGOTIATION}/text`);
    await settled(ua.page);
    const point = pointCard(ua.page, 2);
    await point.getByRole('button', { name: /UA’s position on point 2$/ }).click();
    const form = point.getByRole('form', { name: /UA’s position on point 2/ });
    await form.getByLabel('oppose', { exact: true }).check();
    await form.getByLabel('Rationale').fill('First statement of the rationale.');
    await form.getByRole('button', { name: 'Save position' }).click();
    await form.waitFor({ state: 'detached' });
    // Opened for a change, then changed behind the form's back by a colleague (here, the API).
    await point.getByRole('button', { name: /Change UA’s position on point 2$/ }).click();
    await form.getByLabel('Rationale').fill('My rationale, written while someone else changed it.');
    const changedElsewhere = await ua.page.evaluate(CHANGE_ELSEWHERE(NEGOTIATION));
    assert.equal(changedElsewhere, 200);
    await form.getByRole('button', { name: 'Save position' }).click();
    const conflict = form.getByRole('group', { name: 'The position as it stands now' });
    await conflict.getByText('Changed by a colleague meanwhile.').waitFor();
    assert.match(await form.getByRole('alert').innerText(), /revision/i);
    await screenshot(ua.page, 'text-conflict');
    await conflict.getByRole('button', { name: 'Re-apply my changes' }).click();
    await form.waitFor({ state: 'detached' });
    const details = point.locator('details[data-party="ua"]');
    await details.locator('summary').click();
    await details.getByText('My rationale, written while someone else changed it.').waitFor();
    await ua.context.close();
  });

  test('a delegate records one position on several selected points at once, and the matrix shows them', async () => {
    const uk = await signInAs(served, 'uk@demo.parley');
    await uk.page.goto(`/n/${NEGOTIATION}/text`);
    await settled(uk.page);
    for (const n of [4, 5]) await pointCard(uk.page, n).getByLabel(`select point ${n}`).check();
    const batch = uk.page.getByRole('form', { name: 'One position on the selected points' });
    await batch.getByLabel('red line', { exact: true }).check();
    await batch.getByLabel('Rationale').fill('Batch rationale from London.');
    await batch.getByRole('button', { name: 'Record on 2 points' }).click();
    await uk.page
      .getByRole('status')
      .filter({ hasText: /recorded on points 4, 5/ })
      .waitFor();
    for (const n of [4, 5])
      await pointCard(uk.page, n).locator('details[data-party="uk"] .badge', { hasText: 'red line' }).waitFor();

    await uk.page.getByRole('link', { name: 'Positions' }).click();
    await settled(uk.page);
    const cell = uk.page.getByRole('button', { name: /^UK on point 4: red line/ });
    await cell.waitFor();
    await uk.page.getByRole('button', { name: 'Contested' }).click();
    await cell.click();
    const dialog = uk.page.getByRole('dialog');
    await dialog.getByText('Batch rationale from London.').waitFor();
    await screenshot(uk.page, 'matrix-dialog');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await uk.context.close();
  });

  test('the text and the matrix read at 390 px wide', async () => {
    const ua = await signInAs(served, 'ua@demo.parley', { width: 390, height: 844 });
    await ua.page.goto(`/n/${NEGOTIATION}/text`);
    await settled(ua.page);
    await pointCard(ua.page, 1).waitFor();
    const overflow = await ua.page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    assert.ok(overflow <= 1, `the page does not scroll sideways (${overflow}px too wide)`);
    await screenshot(ua.page, 'text-390');
    await ua.page.goto(`/n/${NEGOTIATION}/matrix`);
    await settled(ua.page);
    const matrixOverflow = await ua.page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    assert.ok(matrixOverflow <= 1, `the matrix scrolls inside its frame, not the page (${matrixOverflow}px too wide)`);
    await screenshot(ua.page, 'matrix-390');
    await ua.context.close();
  });
});

describe('what Russia sees of the text and the positions', () => {
  test("the Russian delegate sees neither Ukraine's private positions nor any version not yet transmitted to Russia, anywhere in the page or in its network responses or its live stream", async () => {
    const file = await demoDatabase();
    const forbidden = await forbiddenForRussia(file);
    const served = await serveDemo(file);

    const ru = await signInAs(served, 'ru@demo.parley');
    // Every page is opened fresh below, each with its live events recorded and every position opened.
    await ru.page.addInitScript(RECORD_EVENTS);
    const seen: string[] = [];
    const collect = async (person: Person) => {
      await person.page.evaluate(OPEN_ALL_DETAILS);
      seen.push(await person.page.evaluate<string>('document.documentElement.outerHTML'));
      seen.push(await person.page.evaluate<string>('document.documentElement.textContent'));
      seen.push(...(await person.page.evaluate<string[]>('window.__parleyEvents ?? []')));
    };
    for (const path of MENU) {
      await ru.page.goto(`/n/${NEGOTIATION}${path === '/' ? '' : path}`);
      await settled(ru.page);
      await collect(ru);
    }

    // Russia's text page stays open, with the raw live stream also read, while Ukraine records a
    // party-only position on the version Russia reads, then a public one as a marker that Russia must see.
    await ru.page.goto(`/n/${NEGOTIATION}/text`);
    await settled(ru.page);
    const versionId = await ru.page.locator('#text-version').inputValue();
    // Both streams are followed before Ukraine writes: each would carry what Russia must not see.
    await ru.page.evaluate(READ_RAW_STREAM(NEGOTIATION));
    await live(ru.page);

    const ua = await signInAs(served, 'ua@demo.parley');
    await ua.page.goto(`/n/${NEGOTIATION}/text`);
    await settled(ua.page);
    await ua.page.locator('#text-version').selectOption(versionId);
    await settled(ua.page);
    const record = async (visibility: string, wording: string, rationale: string) => {
      const first = ua.page.getByRole('button', { name: /^Record UA’s position on point \d+$/ }).first();
      const name = (await first.getAttribute('aria-label')) ?? (await first.innerText());
      const number = /point (\d+)/.exec(name)![1]!;
      // The button found is clicked by its own name: `first()` would find the next point once a refetch lands.
      await ua.page.getByRole('button', { name: `Record UA’s position on point ${number}`, exact: true }).click();
      const form = ua.page.getByRole('form', { name: `UA’s position on point ${number}` });
      await form.getByLabel('amend', { exact: true }).check();
      await form.getByLabel(/^Proposed wording/).fill(wording);
      await form.getByLabel('Rationale').fill(rationale);
      await form.getByLabel('Seen by').selectOption(visibility);
      const answer = ua.page.waitForResponse(
        (r) => r.url().endsWith(`/api/negotiations/${NEGOTIATION}/positions`) && r.request().method() === 'POST',
      );
      await form.getByRole('button', { name: 'Save position' }).click();
      const stored = (await (await answer).json()) as { id: string; proposedText: string };
      await form.waitFor({ state: 'detached' });
      // The form closes before the positions are read again; the next call must not find this point's old button.
      await ua.page
        .getByRole('button', { name: `Change UA’s position on point ${number}`, exact: true })
        .waitFor({ state: 'visible' });
      return { number, stored };
    };
    const stamp = Date.now();
    const secretWording = `Kyiv's private fallback ${stamp}: a demilitarised zone under UN monitoring.`;
    const secretRationale = `Internal to Ukraine ${stamp}: never to be shown to the other side.`;
    const { stored: secret } = await record('party', secretWording, secretRationale);
    assert.equal(secret.proposedText, secretWording, 'the party-only position was stored');
    const publicWording = `Ukraine’s public amendment ${stamp}, for everyone at the table.`;
    const { number: publicPoint } = await record('public', publicWording, 'Said in public.');
    // The public one reaches Russia live: the stream had its chance to carry the private one before it.
    const marker = pointCard(ru.page, Number(publicPoint));
    await marker.getByText(publicWording).waitFor({ state: 'attached', timeout: 15_000 });
    await collect(ru);
    // The raw stream got the same event as the page's own, but on a connection of its own.
    const rawChanged = await ru.page.evaluate<boolean>(RAW_STREAM_CHANGED);
    seen.push(...(await ru.page.evaluate<string[]>('window.__rawStream')));
    assert.ok(
      rawChanged && seen.some((s) => s.includes('event: change')),
      'the raw live stream carried the public change',
    );
    for (const path of ['/text', '/matrix']) {
      await ru.page.goto(`/n/${NEGOTIATION}${path}`);
      await settled(ru.page);
      await collect(ru);
    }
    await screenshot(ru.page, 'text-russia-matrix');

    const ids = [...forbidden.ids, secret.id];
    const texts = [...forbidden.texts, secretWording, secretRationale];
    // The forbidden strings are real ones: Ukraine's own answers carry some of them.
    const uaBodies = (await ua.received()).map((a) => a.body).join('\n');
    assert.ok(
      ids.some((id) => hasId(uaBodies, id)) && texts.some((t) => uaBodies.includes(t)),
      'Ukraine itself receives some of what is forbidden to Russia',
    );
    const bodies = (await ru.received()).map((a) => `${a.url}\n${a.body}`);
    assert.ok(bodies.length > 20, 'the Russian pages asked the server for their data');
    const everything = [...bodies, ...seen];
    for (const where of everything) {
      for (const id of ids)
        assert.ok(!hasId(where, id), `Russia received the forbidden id "${id}" in: ${where.slice(0, 200)}`);
      for (const text of texts)
        assert.ok(!where.includes(text), `Russia received the forbidden text "${text}" in: ${where.slice(0, 200)}`);
    }
    await Promise.all([ua.context.close(), ru.context.close()]);
  });
});
