# Subscriptions (issue 13): the third-party clients of tests/subscriptions.
#
# tests/subscriptions/js is a locked npm project (graphql-ws over ws) that
# tests/subscriptions/test_third_party_clients.py runs against the live gateway.

NPM_CI ?= npm ci --no-audit --no-fund --loglevel=error

tests/subscriptions/js/node_modules/.package-lock.json: tests/subscriptions/js/package-lock.json
	cd tests/subscriptions/js && $(NPM_CI)

test-deps: tests/subscriptions/js/node_modules/.package-lock.json
