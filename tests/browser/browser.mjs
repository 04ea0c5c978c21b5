// Shared by the GraphiQL scripts: Debian's chromium (headless, fresh profile) on the
// gateway's GraphiQL page, every request outside the gateway blocked and recorded, the
// page's errors, HTTP statuses and websockets (URL, frames each way, closed) recorded, and
// a screenshot taken at the end (or by the body: `takeScreenshot`), on failure too.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

// Runs `body(page, report)` on GraphiQL at <base>/graphql; resolves to the report (with
// `error` set when something failed), for the Python test to judge.
export async function withGraphiQL(base, screenshot, body) {
  const origin = new URL(base).origin;
  const profile = mkdtempSync(join(tmpdir(), 'graphiql-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
    viewport: { width: 1280, height: 800 },
  });
  const report = { external: [], pageErrors: [], statuses: {}, websockets: [] };
  try {
    // Offline: anything not served by the gateway itself is refused and recorded.
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(origin)) return route.continue();
      report.external.push(url);
      return route.abort();
    });
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (error) => report.pageErrors.push(String(error)));
    page.on('response', (response) => {
      report.statuses[new URL(response.url()).pathname] = response.status();
    });
    page.on('websocket', (ws) => {
      const record = { url: ws.url(), sent: [], received: [], closed: false };
      report.websockets.push(record);
      ws.on('framesent', (frame) => record.sent.push(String(frame.payload)));
      ws.on('framereceived', (frame) => record.received.push(String(frame.payload)));
      ws.on('close', () => { record.closed = true; });
    });

    await page.goto(`${base}/graphql`, { waitUntil: 'load' });
    report.title = await page.title();
    await page.locator('.graphiql-query-editor .CodeMirror').waitFor({ timeout: 20000 });
    await body(page, report);
  } catch (error) {
    report.error = String(error);
  } finally {
    // Taken on failure too: the picture usually says what went wrong. A body may take it
    // earlier, at the moment worth showing (then only a failure replaces it).
    const page = context.pages()[0];
    if (page && (report.error || !report.screenshotTaken)) {
      await page.screenshot({ path: screenshot, fullPage: true }).catch(() => {});
    }
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
  return report;
}

// The picture worth keeping, taken now rather than at the end.
export async function takeScreenshot(page, report, screenshot) {
  await page.screenshot({ path: screenshot, fullPage: true });
  report.screenshotTaken = true;
}

// Replaces the text of a CodeMirror editor as a user would: select all, delete, type.
export async function replaceText(page, editor, text) {
  await editor.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Backspace');
  await page.keyboard.insertText(text);
}
