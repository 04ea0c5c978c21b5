// Usage: node graphiql.mjs <gateway base URL> <screenshot file>
// Opens GraphiQL at <base>/graphql in Debian's chromium (headless, fresh profile, every
// request outside the gateway blocked), types a query into the editor, runs it with the
// Run button, reads the result from the page and opens the Docs explorer. Prints one JSON
// object for the Python test to judge; exits non-zero only when the browser could not run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const [base, screenshot] = process.argv.slice(2);
if (!base || !screenshot) {
  console.error('usage: node graphiql.mjs <base url> <screenshot file>');
  process.exit(2);
}
const origin = new URL(base).origin;
const QUERY = 'query FromTheBrowser {\n  hello\n  greet(name: "chromium")\n}';

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
const report = { external: [], pageErrors: [], statuses: {} };
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

  await page.goto(`${base}/graphql`, { waitUntil: 'load' });
  report.title = await page.title();
  const editor = page.locator('.graphiql-query-editor .CodeMirror');
  await editor.waitFor({ timeout: 20000 });

  // Type the query through the editor: select what is there, replace it.
  await editor.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Backspace');
  await page.keyboard.insertText(QUERY);
  report.editorText = await page.locator('.graphiql-query-editor .CodeMirror-code').innerText();

  await page.locator('.graphiql-execute-button').click();
  const response = page.locator('.graphiql-response .CodeMirror-code');
  await response.filter({ hasText: 'chromium' }).waitFor({ timeout: 20000 });
  report.result = await response.innerText();

  // The schema explorer: the Docs panel lists the root type's fields.
  await page.getByRole('button', { name: /Documentation Explorer/ }).first().click();
  const docs = page.locator('.graphiql-doc-explorer');
  await docs.waitFor({ timeout: 20000 });
  await docs.locator('a', { hasText: /^Query$/ }).first().click();
  await docs.getByText('greet').first().waitFor({ timeout: 20000 });
  report.docs = await docs.innerText();

} catch (error) {
  report.error = String(error);
} finally {
  // Taken on failure too: the picture usually says what went wrong.
  const page = context.pages()[0];
  if (page) await page.screenshot({ path: screenshot, fullPage: true }).catch(() => {});
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
process.stdout.write(JSON.stringify(report));
