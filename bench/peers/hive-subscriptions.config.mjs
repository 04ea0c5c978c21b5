// Hive Gateway for the subscription benchmark (python -m bench.subscriptions): our
// supergraph, subscriptions to the progress subgraph over graphql-transport-ws.
// The benchmark's learners send the identity the subgraphs accept (signed headers, as our
// gateway would forward them); Hive passes them on: as connection_init parameters of the
// upstream websocket for subscriptions, as HTTP headers for mutations and entity fetches.
import { defineConfig } from "@graphql-hive/gateway";

const IDENTITY = [
  "x-user-id",
  "x-user-roles",
  "x-user-scopes",
  "x-gateway-identity-expires",
  "x-gateway-identity-signature",
];

export const gatewayConfig = defineConfig({
  logging: "error",
  graphiql: false,
  landingPage: false,
  propagateHeaders: {
    fromClientToSubgraphs({ request }) {
      const headers = {};
      for (const name of IDENTITY) {
        const value = request?.headers?.get(name);
        if (value) headers[name] = value;
      }
      return headers;
    },
  },
  transportEntries: {
    progress: {
      options: {
        subscriptions: {
          kind: "ws",
          location: "/graphql",
          options: {
            connectionParams: Object.fromEntries(
              IDENTITY.map((name) => [name, `{context.connectionParams.${name}}`]),
            ),
          },
        },
      },
    },
  },
});
