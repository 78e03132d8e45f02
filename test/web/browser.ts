// The web app as a person uses it: a real `parley serve` (the built command) on a random port with a
// fresh copy of the Geneva demo, and Debian's Chromium driven by playwright-core. scripts/test.js
// installs Chromium when it is missing; PARLEY_CHROMIUM names another binary.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page, type Response } from 'playwright-core';
import { BIN } from '../cli/command.ts';
import { demoDatabase } from '../helpers.ts';

export const CHROMIUM = process.env.PARLEY_CHROMIUM ?? '/usr/bin/chromium';
/** Where each browser test leaves its screenshot (the README names this folder). */
export const SCREENSHOTS = join(import.meta.dirname, '..', '..', 'test-results', 'screenshots');
export const DEMO_PASSWORD = 'parley-demo';

/** The flags Chromium needs on a machine with a closed network and no GPU, run as root. */
const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export interface Served {
  url: string;
  child: ChildProcess;
  /** What the server wrote to standard error, for a failure's message. */
  log: () => string;
}

const cleanups: (() => Promise<unknown> | unknown)[] = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** `parley serve` on a random port, with a fresh demo database (or the one given); stopped when the file ends. */
export async function serveDemo(file?: string): Promise<Served> {
  const db = file ?? (await demoDatabase());
  const child = spawn(process.execPath, [BIN, 'serve', '--db', db, '--port', '0', '--host', '127.0.0.1', '--no-demo'], {
    env: { ...process.env, PORT: '' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let seen = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const match = /serving (http:\/\/\S+)/.exec(seen);
      if (match) resolve(match[1]!);
    });
    child.on('exit', (code) => reject(new Error(`parley serve exited with ${code}: ${seen}`)));
  });
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  );
  return { url, child, log: () => seen };
}

let browser: Browser | null = null;

/** One headless Chromium per test file. */
export async function launchBrowser(): Promise<Browser> {
  if (browser) return browser;
  if (!existsSync(CHROMIUM))
    throw new Error(
      `no Chromium at ${CHROMIUM}: install it (Debian: apt-get install -y chromium; npm test does this when run as root) or name one with PARLEY_CHROMIUM`,
    );
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
  cleanups.push(() => browser?.close());
  return browser;
}

export interface Person {
  context: BrowserContext;
  page: Page;
  /**
   * Every answer the page received from the server whose body has been read so far, for the leak
   * checks. A body is read after the page has it (perhaps after the page has shown it): read the
   * answers through `received()`.
   */
  answers: { url: string; status: number; body: string }[];
  /** Every answer the page has received so far, once the body of each (but a live stream's) is read. */
  received: () => Promise<Person['answers']>;
}

/**
 * A person at their own browser (a context of their own: cookies are not shared), signed in with
 * their e-mail and password through the sign-in page, at 1280 px unless told otherwise.
 */
export async function signInAs(
  served: Served,
  email: string,
  options: { width?: number; height?: number; password?: string; path?: string } = {},
): Promise<Person> {
  const context = await (
    await launchBrowser()
  ).newContext({
    viewport: { width: options.width ?? 1280, height: options.height ?? 900 },
    baseURL: served.url,
  });
  const page = await context.newPage();
  const answers: Person['answers'] = [];
  const reading = new Set<Promise<unknown>>();
  page.on('response', (response: Response) => {
    const read = response
      .text()
      .then((body) => answers.push({ url: response.url(), status: response.status(), body }))
      .catch(() => answers.push({ url: response.url(), status: response.status(), body: '' }));
    // A live stream's body ends only when the stream does: it is not waited for.
    if ((response.headers()['content-type'] ?? '').startsWith('text/event-stream')) return;
    reading.add(read);
    void read.finally(() => reading.delete(read));
  });
  const received = async () => {
    while (reading.size > 0) await Promise.all([...reading]);
    return answers;
  };
  await page.goto(options.path ?? '/');
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(options.password ?? DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('eyes').waitFor();
  return { context, page, answers, received };
}

/**
 * Waits until the page follows the negotiation's live stream: the server has taken what the page's
 * reader sees, so any later change reaches the page. A change made before this may be missed.
 */
export async function live(page: Page): Promise<void> {
  await page.getByTestId('eyes').getByText('live', { exact: true }).waitFor();
}

/** Waits until the page has loaded what it shows: no "Loading …" left in the main region. */
export async function settled(page: Page): Promise<void> {
  await page.locator('main#main').waitFor();
  await page
    .getByRole('status')
    .filter({ hasText: /^Loading/ })
    .first()
    .waitFor({ state: 'detached' });
}

/** Saves the page as test-results/screenshots/NAME.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * One demo account's API session (a session cookie and its CSRF token), for the data a test builds
 * without a page: `(method, path under the negotiation, body?) → the answer's JSON`, failing on a refusal.
 */
export async function apiAs(served: Served, email: string, negotiation = 'geneva-2025') {
  const signIn = await fetch(`${served.url}/api/auth/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: DEMO_PASSWORD }),
  });
  assert.equal(signIn.status, 200, `${email} signs in`);
  const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
  const { csrfToken } = (await signIn.json()) as { csrfToken: string };
  return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const answer = await fetch(`${served.url}/api/negotiations/${negotiation}${path}`, {
      method,
      headers: { cookie, 'x-csrf-token': csrfToken, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    assert.ok(answer.ok, `${method} ${path}: ${answer.status} ${await answer.clone().text()}`);
    return (await answer.json()) as T;
  };
}
