# The HTTP front door's build and test dependencies (issue 4).
#
# GraphiQL (with graphql-ws's browser build, for subscriptions over the websocket) is
# installed from npm at a locked version and copied into the package
# (gateway/http/static/vendor/), so the gateway serves it itself and it works offline.
# The graphql-http audit and the headless-browser test each have a locked npm project.

GRAPHIQL_DIR := gateway/http/static
GRAPHIQL_VENDOR := $(GRAPHIQL_DIR)/vendor
GRAPHIQL_FILES := \
	node_modules/graphiql/graphiql.min.js \
	node_modules/graphiql/graphiql.min.css \
	node_modules/react/umd/react.production.min.js \
	node_modules/react-dom/umd/react-dom.production.min.js \
	node_modules/graphql-ws/umd/graphql-ws.min.js
NPM_CI := npm ci --no-audit --no-fund --loglevel=error

.PHONY: vendor-graphiql http-test-deps

## Copy GraphiQL, React and graphql-ws from the locked npm install into the Python package.
vendor-graphiql: $(GRAPHIQL_VENDOR)/.stamp

$(GRAPHIQL_VENDOR)/.stamp: $(GRAPHIQL_DIR)/package-lock.json
	cd $(GRAPHIQL_DIR) && $(NPM_CI)
	mkdir -p $(GRAPHIQL_VENDOR)
	cd $(GRAPHIQL_DIR) && cp $(GRAPHIQL_FILES) vendor/
	cp $(GRAPHIQL_DIR)/node_modules/graphiql/LICENSE $(GRAPHIQL_VENDOR)/GRAPHIQL-LICENSE
	cp $(GRAPHIQL_DIR)/node_modules/graphql-ws/LICENSE.md $(GRAPHIQL_VENDOR)/GRAPHQL-WS-LICENSE.md
	touch $@

tests/audit/node_modules/.package-lock.json: tests/audit/package-lock.json
	cd tests/audit && $(NPM_CI)

tests/browser/node_modules/.package-lock.json: tests/browser/package-lock.json
	cd tests/browser && $(NPM_CI)

## Everything tests/http, tests/audit and tests/browser need beyond the venv.
http-test-deps: vendor-graphiql tests/audit/node_modules/.package-lock.json \
	tests/browser/node_modules/.package-lock.json

test-deps: http-test-deps

.PHONY: config-docs
## Regenerate the options table of docs/configuration.md from the configuration models.
config-docs:
	$(PY) -c 'import re, pathlib; from gateway.config import options_markdown as o; \
	p = pathlib.Path("docs/configuration.md"); t = p.read_text(); \
	p.write_text(re.sub(r"(?s)(<!-- options:begin -->\n).*(<!-- options:end -->)", \
	lambda m: m.group(1) + o() + m.group(2), t))'
