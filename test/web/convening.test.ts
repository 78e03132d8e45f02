import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import {
  DEMO_PASSWORD,
  launchBrowser,
  live,
  screenshot,
  serveDemo,
  settled,
  signInAs,
  type Served,
} from './browser.ts';

/** The API as a script would use it: a bearer token from the e-mail and password. */
async function bearer(served: Served, email: string, password = DEMO_PASSWORD): Promise<string> {
  const answer = await fetch(`${served.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  assert.equal(answer.status, 200, await answer.clone().text());
  return ((await answer.json()) as { token: string }).token;
}

describe('convening a negotiation from the browser', () => {
  let served: Served;
  before(async () => {
    served = await serveDemo();
    await launchBrowser();
  });

  test('a convenor invites a person, the party’s lead consents, and the person opens the link, chooses a password and lands in the negotiation', async () => {
    const convenor = await signInAs(served, 'mediator@demo.parley');
    const { page } = convenor;
    await page.goto('/n/geneva-2025/convening');
    // The convenor's page follows the live stream: the consent and the new member show there as they happen.
    await live(page);
    const people = page.getByRole('region', { name: 'People at the table' });
    await people.getByText('Invite a person to a seat').click();
    await people.getByLabel('E-mail').fill('olena.adviser@example.org');
    await people.getByLabel('Party').selectOption({ label: 'Ukraine' });
    await people.getByLabel('Role').selectOption('adviser');
    await people.getByLabel('Title (optional)').fill('Legal adviser');
    await people.getByRole('button', { name: 'Invite', exact: true }).click();
    const shown = page.getByTestId('invitation-link');
    await shown.waitFor();
    const made = await shown.innerText();
    assert.match(made, /invitation was made for olena\.adviser@example\.org to the seat of adviser of Ukraine/);
    // Ukraine has a principal and a lead: the seat in its delegation waits for them.
    assert.match(made, /The seat can be taken once Ukraine consents\./);
    // The inviter learns nothing about the e-mail's account (whether there is one, whose it is).
    assert.doesNotMatch(made, /account/i);
    assert.match(made, /Expires /);
    const link = await shown.getByLabel('Invitation link').inputValue();
    assert.match(link, /\/invite\/[A-Za-z0-9_-]{10,}$/);
    // The open invitations list it, without its link.
    const invitations = page.getByRole('region', { name: 'Invitations' });
    await invitations.getByRole('row', { name: /olena\.adviser@example\.org/ }).waitFor();
    assert.doesNotMatch(await invitations.innerText(), /\/invite\//);
    // The convenor sees the seat awaiting Ukraine's consent, and cannot give it for Ukraine.
    const awaiting = page.getByRole('region', { name: 'Awaiting consent' });
    const invitationWords = 'Invite olena.adviser@example.org as adviser of Ukraine, Legal adviser';
    await awaiting.getByTestId('proposal').filter({ hasText: invitationWords }).waitFor();
    assert.match(await awaiting.innerText(), /awaiting Ukraine\./);
    assert.equal(await awaiting.getByRole('button', { name: /^Consent/ }).count(), 0, 'the convenor does not consent');
    await screenshot(page, 'convening-invitation-link');

    // The link's holder sees the seat and that it waits; the server refuses it until Ukraine consents.
    const context = await (await launchBrowser()).newContext({ baseURL: served.url });
    const invited = await context.newPage();
    await invited.goto(link);
    assert.equal(await invited.getByTestId('seat-offered').innerText(), 'adviser of Ukraine');
    await invited.getByText('Geneva', { exact: false }).first().waitFor();
    assert.match(
      await invited
        .getByRole('status')
        .filter({ hasText: /not yet consented/ })
        .innerText(),
      /The delegation of Ukraine has not yet consented to this seat/,
    );
    await screenshot(invited, 'convening-invite-page');
    const fillAndAccept = async () => {
      await invited.getByLabel('Your name, as the others at the table will read it').fill('Olena Adviser');
      await invited.getByLabel('Choose a password (at least 8 characters)').fill('olena-secret-1');
      await invited.getByLabel('The same password again').fill('olena-secret-1');
      await invited.getByRole('button', { name: 'Accept and sign in' }).click();
    };
    await fillAndAccept();
    assert.match(
      await invited.getByRole('alert').innerText(),
      /the delegation of Ukraine has not yet consented to this seat/,
    );
    assert.match(new URL(invited.url()).pathname, /^\/invite\//, 'still on the invitation, not signed in');

    // Ukraine's lead consents in the browser; her controls reach her own delegation only.
    const lead = await signInAs(served, 'ua@demo.parley');
    await lead.page.goto('/n/geneva-2025/convening');
    await live(lead.page);
    const leadAwaiting = lead.page.getByRole('region', { name: 'Awaiting consent' });
    const item = leadAwaiting.getByTestId('proposal').filter({ hasText: invitationWords });
    await item.waitFor();
    const leadPeople = lead.page.getByRole('region', { name: 'People at the table' });
    await leadPeople.getByRole('row', { name: /Serhiy Kyslytsya/ }).waitFor();
    assert.equal(await leadPeople.getByRole('button', { name: 'Change the seat of Serhiy Kyslytsya' }).count(), 1);
    for (const outsider of ['Mira Castellan', 'Yuri Ushakov', 'Marco Rubio'])
      assert.equal(
        await leadPeople.getByRole('button', { name: `Change the seat of ${outsider}` }).count(),
        0,
        `Ukraine's lead changes no seat of ${outsider}`,
      );
    await screenshot(lead.page, 'convening-lead-awaiting-consent');
    await item.getByRole('button', { name: `Consent: ${invitationWords}` }).click();
    await item.waitFor({ state: 'detached' });
    // The convenor's page follows: the seat no longer waits.
    await awaiting.getByTestId('proposal').filter({ hasText: invitationWords }).waitFor({ state: 'detached' });

    // Now the link takes the seat.
    await invited.reload();
    await invited.getByTestId('seat-offered').waitFor();
    assert.equal(
      await invited
        .getByRole('status')
        .filter({ hasText: /not yet consented/ })
        .count(),
      0,
    );
    await fillAndAccept();
    await invited.getByTestId('eyes').waitFor();
    assert.match(new URL(invited.url()).pathname, /^\/n\/geneva-2025\/?$/);
    assert.match(await invited.getByTestId('eyes').innerText(), /Olena Adviser, adviser of Ukraine/);
    const sessions = await invited.evaluate(async () => (await (await fetch('/api/me/sessions')).json()) as unknown[]);
    assert.equal(sessions.length, 1, 'one session, the browser’s: none left behind by the acceptance');

    // The link worked once: opened again, it says so in the server's words.
    await invited.goto(link);
    assert.match(await invited.getByRole('alert').innerText(), /unknown, used, revoked or expired/);

    // The convenor sees the new member at the table.
    const olena = people.getByRole('row', { name: /Olena Adviser/ });
    await olena.waitFor();
    assert.match(await olena.innerText(), /adviser of Ukraine/);

    // The convenor's change of her role is a proposal to Ukraine: nothing changes before its lead consents.
    await people.getByRole('button', { name: 'Change the seat of Olena Adviser' }).click();
    await olena.getByLabel('Role').selectOption('negotiator');
    await olena.getByRole('button', { name: 'Save' }).click();
    assert.match(
      await olena.getByRole('status').innerText(),
      /Proposed to Ukraine: the change waits for their consent\./,
    );
    assert.match(await olena.innerText(), /adviser of Ukraine/);
    const changeWords = 'Make Olena Adviser negotiator of Ukraine, Legal adviser';
    await awaiting.getByTestId('proposal').filter({ hasText: changeWords }).waitFor();
    // The lead's page follows the stream: the proposal arrives there without a reload.
    const change = leadAwaiting.getByTestId('proposal').filter({ hasText: changeWords });
    await change.getByRole('button', { name: `Consent: ${changeWords}` }).click();
    await change.waitFor({ state: 'detached' });
    await people.getByRole('row', { name: /Olena Adviser.*negotiator of Ukraine/ }).waitFor();

    // Her delegation's lead removes her after confirming; she loses the negotiation.
    await leadPeople.getByRole('button', { name: 'Remove Olena Adviser' }).click();
    const confirm = lead.page.getByRole('dialog', { name: 'Remove Olena Adviser?' });
    assert.match(await confirm.innerText(), /loses access to this negotiation at once/);
    await confirm.getByRole('button', { name: 'Remove from the table' }).click();
    await confirm.waitFor({ state: 'detached' });
    await leadPeople.getByRole('row', { name: /Olena Adviser/ }).waitFor({ state: 'detached' });
    await people.getByRole('row', { name: /Olena Adviser/ }).waitFor({ state: 'detached' });
    await invited.goto('/n/geneva-2025');
    await invited.getByText(/Could not load the negotiation/).waitFor();
    await context.close();
    await lead.context.close();
    await convenor.context.close();
  });

  test('a new account chooses its password on its link, opens a negotiation, adds two parties and defines an issue with two options', async () => {
    const admin = await bearer(served, 'admin@demo.parley');
    const made = await fetch(`${served.url}/api/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
      body: JSON.stringify({ email: 'new.convenor@example.org', name: 'Nadia Convenor' }),
    });
    assert.equal(made.status, 201, await made.clone().text());
    const { passwordLink } = (await made.json()) as { passwordLink: { link: string } };

    const context = await (await launchBrowser()).newContext({ baseURL: served.url });
    const page = await context.newPage();
    // The administrator set no password: the person chooses it on the page of the one-time link.
    await page.goto(new URL(passwordLink.link).pathname);
    await page.getByText('new.convenor@example.org').waitFor();
    await page.getByLabel('Password (at least 8 characters)').fill('convenor-pass-1');
    await page.getByLabel('The same password again').fill('convenor-pass-1');
    await page.getByRole('button', { name: 'Choose the password and sign in' }).click();
    await page.getByText('You have no seat at any table yet').waitFor();
    await page.getByText('Open a new negotiation').click();
    await page.getByLabel('Title').fill('Black Sea grain corridor');
    await page.getByLabel('Summary').fill('Safe passage for grain ships from Odesa.');
    await page.getByRole('button', { name: 'Open the negotiation' }).click();
    await page.getByRole('heading', { name: 'Convening' }).waitFor();
    assert.match(new URL(page.url()).pathname, /^\/n\/[^/]+\/convening$/);
    assert.match(await page.getByTestId('eyes').innerText(), /Nadia Convenor, mediator/);

    const parties = page.getByRole('region', { name: 'Parties and coalitions' });
    await parties.getByText('Add a party or a coalition').click();
    for (const [name, short] of [
      ['Republic of Turkey', 'TR'],
      ['Ukraine', 'UA'],
    ]) {
      await parties.getByLabel('Name', { exact: true }).fill(name!);
      await parties.getByLabel('Short name', { exact: true }).fill(short!);
      await parties.getByRole('button', { name: 'Add the party' }).click();
      await parties.getByRole('row', { name: new RegExp(name!) }).waitFor();
      // The form is emptied with this message, perhaps after the row shows: the next party is typed after it.
      await parties
        .getByRole('status')
        .filter({ hasText: `${name} now sits at the table.` })
        .waitFor();
    }
    assert.equal(await parties.getByRole('row').count(), 3, 'a header and two parties');
    await parties.getByLabel('A coalition of parties').check();
    await parties.getByLabel('Name', { exact: true }).fill('Black Sea states');
    await parties.getByLabel('Short name', { exact: true }).fill('BSS');
    await parties.getByRole('checkbox', { name: 'Republic of Turkey' }).check();
    await parties.getByRole('checkbox', { name: 'Ukraine' }).check();
    await parties.getByRole('button', { name: 'Add the coalition' }).click();
    const coalition = parties.getByRole('row', { name: /Black Sea states/ });
    await coalition.waitFor();
    assert.match(await coalition.innerText(), /coalition\s+TR, UA\s+on every point/);

    const issues = page.getByRole('region', { name: 'Issues and their options' });
    await issues.getByText('Define an issue').click();
    await issues.getByLabel('Name', { exact: true }).fill('Inspections');
    await issues.getByLabel('Options, one a line (at least two)').fill('Joint inspection in Istanbul\nNo inspection');
    await issues.getByRole('button', { name: 'Define the issue' }).click();
    const options = issues.getByRole('list', { name: 'Options of Inspections' });
    await options.waitFor();
    assert.deepEqual(
      (await options.getByRole('listitem').allInnerTexts()).map((t) => t.replace(/\s*Retire$/, '').trim()),
      ['Joint inspection in Istanbul', 'No inspection'],
    );
    // A third option, then one retired: it stays listed, marked in words.
    await issues.getByText('Add an option to Inspections').click();
    await issues.getByLabel('New option').fill('Inspection at sea');
    await issues.getByRole('button', { name: 'Add the option' }).click();
    await options.getByText('Inspection at sea').waitFor();
    await issues.getByRole('button', { name: 'Retire the option No inspection' }).click();
    await options.getByText('retired').waitFor();
    assert.match(await options.getByRole('listitem').nth(1).innerText(), /No inspection\s+retired/);
    assert.equal(
      await issues.getByRole('button', { name: /^Retire the option/ }).count(),
      0,
      'two options left: none can be retired',
    );
    await screenshot(page, 'convening-new-negotiation');

    // Read back through the API: what the page shows is what the server holds.
    const id = new URL(page.url()).pathname.split('/')[2]!;
    const token = await bearer(served, 'new.convenor@example.org', 'convenor-pass-1');
    const held = (await (
      await fetch(`${served.url}/api/negotiations/${id}/parties`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as { name: string }[];
    assert.deepEqual(held.map((p) => p.name).sort(), ['Black Sea states', 'Republic of Turkey', 'Ukraine']);

    // Invited to another table by its mediator, the account finds the invitation on its list of
    // negotiations and takes the seat there, with no link and no password asked.
    const mediator = await bearer(served, 'mediator@demo.parley');
    const invited = await fetch(`${served.url}/api/negotiations/geneva-2025/members`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${mediator}` },
      body: JSON.stringify({
        email: 'new.convenor@example.org',
        partyId: null,
        role: 'mediator',
        title: 'Co-mediator',
      }),
    });
    assert.equal(invited.status, 201, await invited.clone().text());
    await page.goto('/');
    const mine = page.getByRole('region', { name: 'Invitations for you' });
    const offer = mine.getByTestId('my-invitation');
    await offer.waitFor();
    assert.match(await offer.innerText(), /Geneva 2025: the US 28-point plan for Ukraine: mediator, Co-mediator/);
    await screenshot(page, 'convening-invitations-for-you');
    await offer.getByRole('button', { name: /^Accept the seat in Geneva 2025/ }).click();
    await page.getByTestId('eyes').waitFor();
    assert.match(new URL(page.url()).pathname, /^\/n\/geneva-2025\/?$/);
    assert.match(await page.getByTestId('eyes').innerText(), /Nadia Convenor, mediator/);
    await context.close();
  });

  test('a delegate who heads no delegation sees the table without controls, and a password change ends their other session', async () => {
    // Ukraine's lead changes her own delegation's seats (the first test); a negotiator changes none.
    const phone = await signInAs(served, 'kyslytsya@demo.parley', { width: 390, height: 844 });
    const { page } = phone;
    await page.goto('/n/geneva-2025/convening');
    const people = page.getByRole('region', { name: 'People at the table' });
    await people.getByRole('row', { name: /Andriy Yermak/ }).waitFor();
    await page.getByRole('region', { name: 'Issues and their options' }).getByRole('listitem').first().waitFor();
    await page.getByRole('region', { name: /Red lines/ }).waitFor();
    // Every section has loaded (the width is measured on all of it).
    await settled(page);
    for (const control of [
      'Rename',
      'Change',
      'Remove',
      'Invite',
      'Add the party',
      'Revoke',
      'Retire',
      'Consent',
      'Decline',
    ])
      assert.equal(await page.getByRole('button', { name: control }).count(), 0, `no "${control}" button`);
    for (const form of ['Add a party or a coalition', 'Invite a person to a seat', 'Define an issue'])
      assert.equal(await page.getByText(form).count(), 0, `no "${form}" form`);
    assert.equal(await page.getByRole('region', { name: 'Invitations' }).count(), 0, 'no invitations');
    // (Their own invitations, `/api/me/invitations`, are theirs to read: the table's are not.)
    assert.ok(
      !(await phone.received()).some((a) => a.url.includes('/api/negotiations/geneva-2025/invitations')),
      'the table’s invitations were not even asked for',
    );
    const width = (await page.evaluate('document.documentElement.scrollWidth')) as number;
    assert.ok(width <= 390, `the page fits 390 px (it is ${width} px wide)`);
    await screenshot(page, 'convening-delegate-390');

    const desk = await signInAs(served, 'kyslytsya@demo.parley');
    await desk.page.goto('/account');
    await desk.page.getByRole('region', { name: 'Open sessions' }).getByRole('row').nth(2).waitFor();
    await desk.page.getByLabel('Current password').fill(DEMO_PASSWORD);
    await desk.page.getByLabel('New password (at least 8 characters)').fill('kyslytsya-new-password-1');
    await desk.page.getByLabel('New password again').fill('kyslytsya-new-password-1');
    await desk.page.getByRole('button', { name: 'Change the password' }).click();
    const changed = desk.page.getByRole('status').filter({ hasText: /password is changed/ });
    assert.match(await changed.innerText(), /password is changed\. 1 other session was ended/);
    await screenshot(desk.page, 'convening-account-password-changed');

    await page.reload();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await desk.page.reload();
    await desk.page.getByRole('heading', { name: 'Your account' }).waitFor();
    await phone.context.close();
    await desk.context.close();
  });
});
