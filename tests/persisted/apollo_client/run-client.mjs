// A real Apollo Client (persisted-query link, useGETForHashedQueries) running a scenario
// against the live gateway. Driven by tests/persisted/test_apollo_client.py:
//
//   node run-client.mjs scenario.json   ->   JSON on stdout: one result per step
//
// scenario.json: {"url": ..., "headers": {...}, "steps": [{"name", "document",
// "variables", "kind": "query"|"mutation", "client": <int>}]}. Steps with the same
// "client" share one ApolloClient (and so its persisted-query link's state). Every step
// records the HTTP requests it caused (method, whether the text was sent, the hash, the
// status and error codes) so the test can check the APQ protocol exchange itself.
import { readFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { ApolloClient, HttpLink, InMemoryCache, gql } from "@apollo/client";
import { PersistedQueryLink } from "@apollo/client/link/persisted-queries";

const scenario = JSON.parse(readFileSync(process.argv[2], "utf8"));
let requests = [];

function describeRequest(url, init) {
  const method = (init?.method ?? "GET").toUpperCase();
  if (method === "GET") {
    const params = new URL(url).searchParams;
    const extensions = params.get("extensions");
    return {
      method,
      hasQuery: params.has("query"),
      hash: extensions ? JSON.parse(extensions).persistedQuery?.sha256Hash ?? null : null,
    };
  }
  const body = JSON.parse(init.body);
  return {
    method,
    hasQuery: typeof body.query === "string",
    hash: body.extensions?.persistedQuery?.sha256Hash ?? null,
  };
}

async function recordingFetch(url, init) {
  const entry = describeRequest(String(url), init);
  const response = await fetch(url, init);
  entry.status = response.status;
  try {
    const payload = JSON.parse(await response.clone().text());
    entry.errorCodes = (payload.errors ?? []).map((e) => e.extensions?.code ?? null);
  } catch {
    entry.errorCodes = null;
  }
  requests.push(entry);
  return response;
}

function makeClient() {
  const sha256 = (text) => createHash("sha256").update(text).digest("hex");
  const persisted = new PersistedQueryLink({ sha256, useGETForHashedQueries: true });
  const http = new HttpLink({ uri: scenario.url, headers: scenario.headers, fetch: recordingFetch });
  return new ApolloClient({ link: persisted.concat(http), cache: new InMemoryCache() });
}

function describeError(error) {
  const codes = (error.errors ?? []).map((e) => e.extensions?.code ?? null);
  if (codes.length === 0 && typeof error.bodyText === "string") {
    try {
      for (const e of JSON.parse(error.bodyText).errors ?? []) codes.push(e.extensions?.code ?? null);
    } catch {}
  }
  return { name: error.name, message: error.message, codes, statusCode: error.statusCode ?? null };
}

const clients = new Map();
const results = [];
for (const step of scenario.steps) {
  if (!clients.has(step.client ?? 0)) clients.set(step.client ?? 0, makeClient());
  const client = clients.get(step.client ?? 0);
  requests = [];
  const result = { name: step.name };
  try {
    const document = gql(step.document);
    const outcome =
      step.kind === "mutation"
        ? await client.mutate({ mutation: document, variables: step.variables })
        : await client.query({ query: document, variables: step.variables, fetchPolicy: "network-only" });
    result.data = outcome.data ?? null;
    if (outcome.error) result.error = describeError(outcome.error);
  } catch (error) {
    result.error = describeError(error);
  }
  result.requests = requests;
  results.push(result);
}
process.stdout.write(JSON.stringify(results));
