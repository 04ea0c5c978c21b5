// Usage: node run-audit.mjs <graphql endpoint URL>
// Prints one JSON array: every graphql-http server audit with its outcome
// ({id, name, status: "ok" | "warn" | "error", reason}). Exits 0 whatever the outcomes:
// judging them is the Python test's job.
import { serverAudits } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node run-audit.mjs <url>');
  process.exit(2);
}

const results = [];
for (const audit of serverAudits({ url, fetchFn: fetch })) {
  const result = await audit.fn();
  results.push({
    id: result.id,
    name: result.name,
    status: result.status,
    reason: result.status === 'ok' ? null : result.reason,
  });
}
process.stdout.write(JSON.stringify(results));
