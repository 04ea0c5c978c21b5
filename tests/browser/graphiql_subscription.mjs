// Usage: node graphiql_subscription.mjs <gateway base URL> <screenshot file> <headers JSON>
//        <subscription> <text the event contains>
// Opens GraphiQL (browser.mjs), types the subscription and the headers into their editors
// and runs it: GraphiQL opens a websocket to the gateway. The Python test, seeing the
// subscriber, completes a lesson over HTTP; this script waits for the event's text in the
// result pane, reads it, then stops the subscription with the Run button (now "Stop") and
// waits for the socket to close. Prints one JSON object for the Python test to judge.
import { replaceText, withGraphiQL } from './browser.mjs';

const [base, screenshot, headers, subscription, expected] = process.argv.slice(2);
if (!base || !screenshot || !headers || !subscription || !expected) {
  console.error('usage: node graphiql_subscription.mjs <base url> <screenshot> <headers> '
    + '<subscription> <expected text>');
  process.exit(2);
}

const report = await withGraphiQL(base, screenshot, async (page, report) => {
  await replaceText(page, page.locator('.graphiql-query-editor .CodeMirror'), subscription);

  // The Headers tab of the editor tools (shown: defaultEditorToolsVisibility).
  await page.locator('.graphiql-editor-tools').getByRole('button', { name: 'Headers' }).click();
  const headerEditor = page.locator('.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror');
  await headerEditor.waitFor({ timeout: 20000 });
  await replaceText(page, headerEditor, headers);
  // Its lines without the gutter's line numbers.
  report.headersText = (await headerEditor.locator('.CodeMirror-line').allInnerTexts()).join('\n');

  const run = page.locator('.graphiql-execute-button');
  await run.click();
  const response = page.locator('.graphiql-response .CodeMirror-code');
  await response.filter({ hasText: expected }).waitFor({ timeout: 60000 });
  report.result = await response.innerText();

  // Running, the button stops the subscription: GraphiQL closes the socket.
  report.runLabel = await run.getAttribute('aria-label');
  await run.click();
  for (let i = 0; i < 200 && !report.websockets.every((ws) => ws.closed); i += 1) {
    await page.waitForTimeout(50);
  }
  report.stoppedLabel = await run.getAttribute('aria-label');
});
process.stdout.write(JSON.stringify(report));
