# Subscriptions over HTTP (issue 13): the real third-party clients the tests drive,
# graphql-sse (both modes) and Apollo Client's multipart subscriptions (locked npm project).

NPM_CI ?= npm ci --no-audit --no-fund --loglevel=error

tests/http/js/node_modules/.package-lock.json: tests/http/js/package-lock.json
	cd tests/http/js && $(NPM_CI)

test-deps: tests/http/js/node_modules/.package-lock.json
