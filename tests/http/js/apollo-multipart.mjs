// A real Apollo Client (HttpLink: multipart subscriptions, the protocol Apollo iOS and
// Kotlin use too) subscribing through the gateway. Driven by
// tests/http/test_stream_clients.py:
//
//   node apollo-multipart.mjs scenario.json   ->   one JSON line per result on stdout
//
// scenario.json: {"url", "headers", "query", "variables", "events": <n>}. Prints
// {"kind": "next", "data"} per result and, after n results, unsubscribes (the request is
// aborted) and prints {"kind": "done"}. An error prints {"kind": "error", "name",
// "message", "codes"} (the GraphQL codes it carries) and exits 1.
import { readFileSync } from "node:fs";
import { ApolloClient, HttpLink, InMemoryCache, gql } from "@apollo/client";

const scenario = JSON.parse(readFileSync(process.argv[2], "utf8"));
const print = (line) => process.stdout.write(JSON.stringify(line) + "\n");

const client = new ApolloClient({
  link: new HttpLink({ uri: scenario.url, headers: scenario.headers }),
  cache: new InMemoryCache(),
});

function describe(error) {
  const errors = error?.errors ?? error?.graphQLErrors ?? [];
  return {
    kind: "error",
    name: error?.name ?? null,
    message: String(error?.message ?? error),
    codes: errors.map((e) => e.extensions?.code ?? null),
  };
}

let seen = 0;
let subscription;
const finished = new Promise((resolve, reject) => {
  subscription = client
    .subscribe({ query: gql(scenario.query), variables: scenario.variables })
    .subscribe({
      next(result) {
        if (result.error) return reject(result.error);
        print({ kind: "next", data: result.data });
        seen += 1;
        if (seen === scenario.events) resolve();
      },
      error: reject,
      complete() {
        if (seen < scenario.events) reject(new Error(`completed after ${seen} results`));
      },
    });
});

try {
  await finished;
  subscription.unsubscribe();
  await new Promise((resolve) => setTimeout(resolve, 200));
  print({ kind: "done" });
} catch (error) {
  subscription?.unsubscribe();
  print(describe(error));
  process.exitCode = 1;
}
