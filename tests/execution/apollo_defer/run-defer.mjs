// A real Apollo Client watching one query with @defer against the live gateway. Driven by
// tests/execution/test_apollo_client_defer.py:
//
//   node run-defer.mjs <url> <query>   ->   JSON on stdout
//
// {"accept": <the Accept header the client sent>, "contentType": <the response's>,
//  "emissions": [{"at": <ms after the request>, "dataState", "data"}]}: every result the
// client's watchQuery emitted (one per part it merged), until the complete one.
import { ApolloClient, HttpLink, InMemoryCache, gql } from "@apollo/client";
import { Defer20220824Handler } from "@apollo/client/incremental";

const [url, query] = process.argv.slice(2);
const report = { accept: null, contentType: null, emissions: [] };
let started = 0;

async function recordingFetch(input, init) {
  report.accept = new Headers(init?.headers).get("accept");
  started = performance.now();
  const response = await fetch(input, init);
  report.contentType = response.headers.get("content-type");
  return response;
}

const client = new ApolloClient({
  link: new HttpLink({ uri: url, fetch: recordingFetch }),
  cache: new InMemoryCache(),
  incrementalHandler: new Defer20220824Handler(),
});

await new Promise((resolve, reject) => {
  const subscription = client
    .watchQuery({ query: gql(query), fetchPolicy: "network-only" })
    .subscribe({
      next(result) {
        if (result.loading && result.data === undefined) return;
        report.emissions.push({
          at: Math.round(performance.now() - started),
          dataState: result.dataState,
          data: result.data ?? null,
          error: result.error ? String(result.error) : null,
        });
        if (result.dataState === "complete" || result.error) {
          subscription.unsubscribe();
          resolve();
        }
      },
      error: reject,
    });
  setTimeout(() => reject(new Error("timed out")), 30000);
});
process.stdout.write(JSON.stringify(report));
process.exit(0);
