// The floor: the subgraph requests one gateway request needs, sent straight to the
// subgraphs with no gateway in between - level by level as the plan orders them, the
// requests of one level in parallel - over keep-alive connections.
// usage: node floor.mjs PLAN_FILE CONNECTIONS SECONDS
//   PLAN_FILE: {"base": "http://127.0.0.1:4200/", "levels": [[{subgraph, body, length}]]}
// Prints one JSON line: plans completed, seconds, p50/p99 of a whole plan, errors
// (a non-200 status or a body whose length differs from the recorded one).
import http from "node:http";
import { readFileSync } from "node:fs";

const [planFile, connections, seconds] = process.argv.slice(2);
const plan = JSON.parse(readFileSync(planFile, "utf8"));
const base = new URL(plan.base);
const agent = new http.Agent({ keepAlive: true, maxSockets: 1024 });

function send(fetch) {
  return new Promise((resolve) => {
    const body = Buffer.from(fetch.body);
    const req = http.request(
      {
        agent,
        host: base.hostname,
        port: base.port,
        path: `/${fetch.subgraph}`,
        method: "POST",
        headers: { "content-type": "application/json", "content-length": body.length },
      },
      (res) => {
        let length = 0;
        res.on("data", (chunk) => (length += chunk.length));
        res.on("end", () => resolve(res.statusCode === 200 && length === fetch.length));
      },
    );
    req.on("error", () => resolve(false));
    req.end(body);
  });
}

async function runPlan() {
  let ok = true;
  for (const level of plan.levels) {
    const results = await Promise.all(level.map(send));
    ok = ok && results.every(Boolean);
  }
  return ok;
}

const latencies = [];
let errors = 0;
const started = process.hrtime.bigint();
const deadline = started + BigInt(Math.round(Number(seconds) * 1e9));

async function worker() {
  while (process.hrtime.bigint() < deadline) {
    const t0 = process.hrtime.bigint();
    const ok = await runPlan();
    latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (!ok) errors += 1;
  }
}

await Promise.all(Array.from({ length: Number(connections) }, worker));
const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
latencies.sort((a, b) => a - b);
const pct = (p) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] : 0);
console.log(
  JSON.stringify({
    plans: latencies.length,
    seconds: elapsed,
    p50_ms: pct(50),
    p99_ms: pct(99),
    errors,
    fetches_per_plan: plan.levels.reduce((n, level) => n + level.length, 0),
    levels: plan.levels.length,
  }),
);
agent.destroy();
