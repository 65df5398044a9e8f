// Shared set-up for the playground's browser tests and benchmark: Debian's chromium driven by
// playwright-core, the playground served by server.mjs, screenshots under artifacts/playground/.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const ARTIFACTS = join(ROOT, 'artifacts', 'playground');
mkdirSync(ARTIFACTS, { recursive: true });

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

export function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/**
 * Opens the playground in a fresh context (empty localStorage) and waits for an editable
 * editor. Console errors, page errors and CSP violations are collected in `page.problems`.
 */
export async function openPlayground(browser, url, { viewport = { width: 1400, height: 900 }, context } = {}) {
  const ctx = context ?? (await browser.newContext({ viewport, acceptDownloads: true }));
  const page = await ctx.newPage();
  page.setDefaultTimeout(10_000);
  page.problems = [];
  page.on('pageerror', (e) => page.problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) page.problems.push(`console: ${m.text()}`);
  });
  await page.goto(url);
  await page.locator('.cm-content[contenteditable="true"]').waitFor({ timeout: 20_000 });
  return page;
}

export function screenshot(page, name) {
  return page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
}

/** The editor's content element (what a person clicks to type). */
export function editor(page) {
  return page.locator('.cm-content');
}

/** Replaces the open file's text the way a person pastes: select all, then insert. */
export async function replaceText(page, text) {
  await editor(page).click();
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText(text);
}

/** The "Problems (N)" heading's N, once it is `n` (validation runs just after the edit). */
export async function expectProblemCount(page, n) {
  await page.getByRole('heading', { name: `Problems (${n})` }).waitFor({ timeout: 5000 });
}

/** The line number of the editor's cursor line. */
export function cursorLine(page) {
  return page.locator('.cm-activeLineGutter').first().innerText().then(Number);
}

export function selectedText(page) {
  return page.evaluate(() => document.getSelection().toString());
}

export async function chooseTemplate(page, label) {
  await page.getByLabel('Start from').selectOption({ label });
}
