/**
 * Real headless Chromium (Debian's `chromium`, installed by `.ci/run`) driven by playwright-core, for the
 * console's tests and benchmark. Missing Chromium is an error that says how to install it, never a skip.
 * Every page records its console errors and uncaught exceptions, so that a test can fail on any of them.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export { launchChromium } from '../../bench/chromium.js';

/** Builds the console from its sources (esbuild, about a second), so that a test never sees stale assets. */
export function buildConsole(): void {
  execFileSync(process.execPath, ['scripts/build-console.mjs'], { cwd: ROOT, stdio: 'inherit' });
}

export interface WatchedPage {
  page: Page;
  /** Console errors and uncaught exceptions, as text. */
  errors: string[];
}

export async function openPage(browser: Browser): Promise<WatchedPage> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`page: ${e.message}`));
  // Operator actions ask for confirmation: the tests confirm.
  page.on('dialog', (d) => void d.accept(d.type() === 'prompt' ? '{}' : undefined));
  return { page, errors };
}
