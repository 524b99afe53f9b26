import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export interface TestBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Debian's chromium, headless, in a throw-away profile. Never a downloaded browser build:
 * .ci/run installs the `chromium` package. Everything that would phone home is off, so the
 * test also proves the page needs no network beyond its own server.
 */
export async function launchChromium(): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'meridian-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.MERIDIAN_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1440, height: 900 },
    deviceScaleFactor: 1,
    // No CSS animations: they keep a software-rendered headless browser repainting all the time.
    reducedMotion: 'reduce',
    timeout: 30_000,
  });
  return {
    context,
    close: async () => {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export interface OpenedPage {
  page: Page;
  /** Every URL the page requested. */
  requests: string[];
  /** Script errors and console errors (CSP violations land here). */
  errors: string[];
}

/** Open the status page in a new tab (closed after the test) and wait until its stream is live. */
export async function openStatusPage(t: TestContext, browser: TestBrowser, url: string, mode = 'live'): Promise<OpenedPage> {
  const page = await browser.context.newPage();
  t.after(() => page.close());
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForSelector(`#conn[data-mode="${mode}"]`, WAIT);
  return { page, requests, errors };
}

/** Generous: the machine running the tests may be busy. */
export const WAIT = { timeout: 15_000 };
