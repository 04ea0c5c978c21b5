// The npm graphql-sse client subscribing through the gateway. Driven by
// tests/http/test_stream_clients.py:
//
//   node sse-client.mjs scenario.json   ->   one JSON line per result on stdout
//
// scenario.json: {"url", "headers", "mode": "distinct" | "single", "query", "variables",
// "events": <n>}. The client subscribes, prints {"kind": "next", "result"} for each
// result, and after n results disposes the subscription (distinct mode: closes the
// stream; single mode: DELETE, then the lazy client closes its stream) and prints
// {"kind": "done"}. An error prints {"kind": "error", ...} and exits 1.
import { readFileSync } from "node:fs";
import { createClient } from "graphql-sse";

const scenario = JSON.parse(readFileSync(process.argv[2], "utf8"));
const print = (line) => process.stdout.write(JSON.stringify(line) + "\n");

const client = createClient({
  url: scenario.url,
  headers: scenario.headers,
  singleConnection: scenario.mode === "single",
  retryAttempts: 0,
});

let seen = 0;
let dispose = () => {};
const finished = new Promise((resolve, reject) => {
  dispose = client.subscribe(
    { query: scenario.query, variables: scenario.variables },
    {
      next(result) {
        print({ kind: "next", result });
        seen += 1;
        if (seen === scenario.events) resolve();
      },
      error(error) {
        reject(error);
      },
      complete() {
        if (seen < scenario.events) reject(new Error(`completed after ${seen} results`));
      },
    },
  );
});

try {
  await finished;
  dispose();
  // Let the DELETE (single mode) and the stream's close go out before exiting.
  await new Promise((resolve) => setTimeout(resolve, 200));
  client.dispose();
  print({ kind: "done" });
} catch (error) {
  print({ kind: "error", name: error?.name ?? null, message: String(error?.message ?? error) });
  client.dispose();
  process.exitCode = 1;
}
