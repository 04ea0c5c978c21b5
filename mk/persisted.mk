# Persisted queries (issue 5): the mobile app's operations and their manifest.
#
# `make persisted` regenerates persisted_queries/manifest.json (Apollo's format) from
# persisted_queries/*.graphql; tests/persisted/test_app_operations.py fails when it is stale.
# `make persisted-check` validates the manifest against schema/supergraph.graphql;
# `make persisted-report` does it per app release (persisted_queries/releases/).

NPM_CI ?= npm ci --no-audit --no-fund --loglevel=error

.PHONY: persisted persisted-check persisted-report

## Regenerate persisted_queries/manifest.json from persisted_queries/*.graphql.
persisted: install
	$(PY) -m gateway persisted manifest --dir persisted_queries --output persisted_queries/manifest.json

## Validate every manifest operation against the supergraph's API schema.
persisted-check: install
	$(PY) -m gateway persisted check --supergraph schema/supergraph.graphql \
		--manifest persisted_queries/manifest.json

## Per app release (and the current manifest): what schema/supergraph.graphql breaks.
persisted-report: install
	$(PY) -m gateway persisted report --supergraph schema/supergraph.graphql \
		--manifest persisted_queries/manifest.json --releases persisted_queries/releases

# Apollo Client for the end-to-end persisted-query test (locked npm project).
tests/persisted/apollo_client/node_modules/.package-lock.json: tests/persisted/apollo_client/package-lock.json
	cd tests/persisted/apollo_client && $(NPM_CI)

test-deps: tests/persisted/apollo_client/node_modules/.package-lock.json
