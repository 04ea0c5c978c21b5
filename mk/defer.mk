# Incremental delivery (@defer/@stream, issue 15): Apollo Client for the end-to-end test
# (tests/execution/test_apollo_client_defer.py; locked npm project), and the benchmark.

NPM_CI ?= npm ci --no-audit --no-fund --loglevel=error

.PHONY: bench-defer

tests/execution/apollo_defer/node_modules/.package-lock.json: tests/execution/apollo_defer/package-lock.json
	cd tests/execution/apollo_defer && $(NPM_CI)

test-deps: tests/execution/apollo_defer/node_modules/.package-lock.json

## Time to the first part with @defer and without, one subgraph 200 ms slow (a table).
bench-defer: install
	$(PY) -m bench.defer
