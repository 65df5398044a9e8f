// A static server on 127.0.0.1 (sirv) and Debian's Chromium (playwright-core),
// for the browser recipes.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { chromium } from 'playwright-core';
import sirv from 'sirv';

import { ARTIFACTS } from './project.mjs';

/**
 * Serves `dir` on a free loopback port.
 * @param {string} dir
 * @param {{ headers?: Record<string, string>, prefix?: string }} [options]
 *   headers are sent with every response; prefix mounts `dir` below that path.
 * @returns {Promise<{ origin: string, requests: string[], close(): Promise<void> }>}
 */
export async function serve(dir, { headers = {}, prefix = '' } = {}) {
  // dev: read from disk on every request (no startup scan), follows the symlinks of node_modules.
  const files = sirv(dir, {
    dev: true,
    setHeaders(res) {
      for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    },
  });
  const requests = [];
  const server = http.createServer((req, res) => {
    requests.push(req.url);
    if (prefix && !req.url.startsWith(`${prefix}/`)) {
      res.writeHead(404).end();
      return;
    }
    req.url = req.url.slice(prefix.length);
    files(req, res, () => {
      res.writeHead(404, headers).end('not found');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export async function launchChromium() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/**
 * A page of `browser` that records console errors and page errors, and only
 * lets requests to loopback through (a recipe must not reach the network).
 */
export async function openPage(browser) {
  const context = await browser.newContext();
  const problems = [];
  await context.route('**/*', (route) => {
    const host = new URL(route.request().url()).hostname;
    if (host === '127.0.0.1' || host === 'localhost' || host === '[::1]') return route.continue();
    problems.push(`blocked request to ${route.request().url()}`);
    return route.abort();
  });
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`console ${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  return { page, problems, close: () => context.close() };
}

export async function screenshot(page, name) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * What a person does with the recipe page: type a contract into the textarea,
 * press Validate (enabled once the module is loaded), read the result.
 */
export async function validateInPage(page, contract) {
  const output = page.getByRole('status');
  const before = (await output.textContent()).trim();
  await page.getByRole('textbox', { name: 'pacto.yaml' }).fill(contract);
  await page.getByRole('button', { name: 'Validate' }).click({ timeout: 20_000 });
  await page.waitForFunction((previous) => {
    const text = document.querySelector('output').textContent.trim();
    return text !== '' && text !== previous;
  }, before, { timeout: 20_000 });
  return (await output.textContent()).trim();
}
