// Usage: node graphiql.mjs <gateway base URL> <screenshot file>
// Opens GraphiQL at <base>/graphql in Debian's chromium (browser.mjs), types a query into
// the editor, runs it with the Run button, reads the result from the page, opens the Docs
// explorer, then runs a subscription at once (over the websocket). Prints one JSON object
// for the Python test to judge; exits non-zero only when the browser could not run.
import { replaceText, takeScreenshot, withGraphiQL } from './browser.mjs';

const [base, screenshot] = process.argv.slice(2);
if (!base || !screenshot) {
  console.error('usage: node graphiql.mjs <base url> <screenshot file>');
  process.exit(2);
}
const QUERY = 'query FromTheBrowser {\n  hello\n  greet(name: "chromium")\n}';
const SUBSCRIPTION = 'subscription Ticks { ticks }';

const report = await withGraphiQL(base, screenshot, async (page, report) => {
  // Type the query through the editor: select what is there, replace it.
  await replaceText(page, page.locator('.graphiql-query-editor .CodeMirror'), QUERY);
  report.editorText = await page.locator('.graphiql-query-editor .CodeMirror-code').innerText();

  await page.locator('.graphiql-execute-button').click();
  const response = page.locator('.graphiql-response .CodeMirror-code');
  await response.filter({ hasText: 'chromium' }).waitFor({ timeout: 20000 });
  report.result = await response.innerText();
  report.socketsAfterQuery = report.websockets.length;  // a query goes over HTTP

  // The schema explorer: the Docs panel lists the root type's fields.
  await page.getByRole('button', { name: /Documentation Explorer/ }).first().click();
  const docs = page.locator('.graphiql-doc-explorer');
  await docs.waitFor({ timeout: 20000 });
  await docs.locator('a', { hasText: /^Query$/ }).first().click();
  await docs.getByText('greet').first().waitFor({ timeout: 20000 });
  report.docs = await docs.innerText();
  await takeScreenshot(page, report, screenshot);  // the query's result and the Docs

  // A subscription goes over the websocket, even when run at once after typing (GraphiQL
  // re-parses the editor only 100 ms later). This schema has none: the gateway's `error`
  // message is shown as the result, and the socket closed.
  await replaceText(page, page.locator('.graphiql-query-editor .CodeMirror'), SUBSCRIPTION);
  await page.locator('.graphiql-execute-button').click();
  await response.filter({ hasText: 'GRAPHQL_VALIDATION_FAILED' }).waitFor({ timeout: 20000 });
  report.subscriptionResult = await response.innerText();
  for (let i = 0; i < 200 && !report.websockets.every((ws) => ws.closed); i += 1) {
    await page.waitForTimeout(50);
  }
});
process.stdout.write(JSON.stringify(report));
