// Hive Gateway configuration for the benchmark, steered by environment variables:
//   BENCH_DEDUPE=1|0  deduplicate identical in-flight requests, inbound (same client
//                     request) and outbound (same subgraph request); Hive's own defaults
//                     are inbound off, outbound on.
//   BENCH_JIT=1|0     graphql-jit compilation of documents (the public benchmark turns it on).
// The Rust query planner runtime is chosen on the command line (--hive-router-runtime).
import { defineConfig } from "@graphql-hive/gateway";

const dedupe = process.env.BENCH_DEDUPE !== "0";

export const gatewayConfig = defineConfig({
  inboundInflightRequestDeduplication: dedupe,
  transportEntries: {
    "*.http": { options: { deduplicateInflightRequests: dedupe } },
  },
  jit: process.env.BENCH_JIT === "1",
  logging: "error",
  graphiql: false,
  landingPage: false,
  disableWebsockets: true,
});
