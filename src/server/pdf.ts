/**
 * Printing at the edge: a print page (`formats/print.ts`) to PDF with Debian's Chromium driven by
 * playwright-core. One browser serves every request (launched at the first print, closed with the
 * server), a few pages print at once and a few more wait their turn, each print has a time limit,
 * and the page is offline: it may load nothing, so a text's words cannot reach the network.
 */
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import type { ExportInput } from '../formats/types.ts';
import type { VersionFormat } from '../formats/index.ts';
import { TooManyRequests } from './problems.ts';

/** The Chromium binary: Debian's, or the one `PARLEY_CHROMIUM` names. */
export function chromiumPath(): string {
  return process.env.PARLEY_CHROMIUM || '/usr/bin/chromium';
}

/** How many PDFs print at once, how many wait, and how long one may take. */
export const PDF_LIMITS = { concurrent: 2, waiting: 8, timeoutMs: 30_000, retryAfterSeconds: 5 };

/** PDF printing cannot run on this server (no Chromium): answered 503 with how to fix it. */
export class PrintUnavailable extends Error {
  readonly statusCode = 503;
  constructor(detail: string) {
    super(
      `PDF export needs Chromium: install it (Debian: apt-get install chromium) or set PARLEY_CHROMIUM (${detail})`,
    );
    this.name = 'PrintUnavailable';
  }
}

/** The flags Chromium needs on a server: no sandbox as root, no GPU, nothing fetched in the background. */
const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-extensions',
  '--no-first-run',
  '--disable-quic',
];

let browser: Promise<Browser> | null = null;
/** The browser once launched, so that its `disconnected` event forgets only itself. */
let current: Browser | null = null;
let running = 0;
const waiting: (() => void)[] = [];

async function launch(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!existsSync(executablePath)) throw new PrintUnavailable(`no Chromium at ${executablePath}`);
  const { chromium } = await import('playwright-core');
  try {
    const launched = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_FLAGS });
    // A browser that crashed is launched again at the next print.
    launched.on('disconnected', () => {
      if (browser && current === launched) browser = null;
    });
    current = launched;
    return launched;
  } catch (error) {
    throw new PrintUnavailable(`${executablePath} did not start: ${(error as Error).message.split('\n')[0]}`);
  }
}

function theBrowser(): Promise<Browser> {
  if (!browser) {
    browser = launch();
    browser.catch(() => (browser = null));
  }
  return browser;
}

async function turn(): Promise<void> {
  if (running < PDF_LIMITS.concurrent) {
    running++;
    return;
  }
  if (waiting.length >= PDF_LIMITS.waiting) {
    const seconds = PDF_LIMITS.retryAfterSeconds;
    throw new TooManyRequests(
      `${running} PDFs are being printed and ${waiting.length} wait already`,
      seconds * 1000,
      new Date(Date.now() + seconds * 1000),
    );
  }
  await new Promise<void>((resolve) => waiting.push(resolve));
}

function done(): void {
  const next = waiting.shift();
  if (next) next();
  else running--;
}

/**
 * Prints an HTML page to an A4 PDF, with `header` and `footer` (Chromium's header and footer
 * templates: HTML, with `pageNumber` and `totalPages` spans) on every page. The page loads nothing:
 * the browser context is offline, runs no script, and every request it makes is aborted.
 *
 * @example const pdf = await printPdf(printPage(input), printFrame(input));
 */
export async function printPdf(html: string, options: { header: string; footer: string }): Promise<Uint8Array> {
  await turn();
  try {
    const chromium = await theBrowser();
    const context = await chromium.newContext({ offline: true, javaScriptEnabled: false, serviceWorkers: 'block' });
    let timer: NodeJS.Timeout | undefined;
    try {
      await context.route('**/*', (route) => route.abort('blockedbyclient'));
      const print = (async () => {
        const page = await context.newPage();
        await page.setContent(html, { waitUntil: 'load', timeout: PDF_LIMITS.timeoutMs });
        return page.pdf({
          format: 'A4',
          preferCSSPageSize: true,
          printBackground: true,
          displayHeaderFooter: true,
          headerTemplate: options.header,
          footerTemplate: options.footer,
        });
      })();
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`printing the PDF took longer than ${PDF_LIMITS.timeoutMs / 1000} s`)),
          PDF_LIMITS.timeoutMs,
        );
      });
      return new Uint8Array(await Promise.race([print, timeout]));
    } finally {
      clearTimeout(timer);
      await context.close().catch(() => undefined);
    }
  } finally {
    done();
  }
}

/**
 * A version printed by a `print` format: its page, with its running head and foot on every page.
 * The export route and the command call this for a format whose `kind` is `print`.
 */
export async function printVersion(format: VersionFormat, input: ExportInput): Promise<Uint8Array> {
  if (format.kind !== 'print' || !format.frame) throw new Error(`format "${format.name}" is not printed`);
  const page = await format.render(input);
  return printPdf(typeof page === 'string' ? page : new TextDecoder().decode(page), await format.frame(input));
}

/** Closes the browser (when the server closes); the next print launches another. */
export async function closePrinter(): Promise<void> {
  const open = browser;
  browser = null;
  current = null;
  if (open) await (await open.catch(() => null))?.close();
}
