// A real graphql-ws client (npm `graphql-ws`, over the `ws` package) subscribing through
// the gateway. Driven by tests/subscriptions/test_third_party_clients.py:
//
//   node live-progress.mjs URL TOKEN QUERY VARIABLES_JSON COUNT
//
// Prints one JSON line per event: {"connected": true} once acknowledged, {"next": result}
// per result, then {"complete": true} after COUNT results (it completes the subscription
// itself), or {"error": ...} (exit status 1).
import { createClient } from "graphql-ws";
import WebSocket from "ws";

const [url, token, query, variablesJson, countText] = process.argv.slice(2);
const wanted = Number(countText);
const print = (value) => process.stdout.write(JSON.stringify(value) + "\n");

const client = createClient({
  url,
  webSocketImpl: WebSocket,
  connectionParams: { authorization: `Bearer ${token}` },
  retryAttempts: 0,
  on: { connected: () => print({ connected: true }) },
});

let seen = 0;
const unsubscribe = client.subscribe(
  { query, variables: JSON.parse(variablesJson) },
  {
    next: (result) => {
      print({ next: result });
      seen += 1;
      if (seen >= wanted) {
        unsubscribe();
        print({ complete: true });
        client.dispose().then(() => process.exit(0));
      }
    },
    error: (error) => {
      print({ error: error?.message ?? String(error?.code ?? error) });
      process.exit(1);
    },
    complete: () => {
      if (seen < wanted) {
        print({ error: "completed early" });
        process.exit(1);
      }
    },
  },
);
