# The platform's supergraph (issue 3): composed by our own composer from the subgraph SDL
# files, the same way `rover supergraph compose` would. A test fails when the committed
# schema/supergraph.graphql is stale (tests/composition/test_supergraph_is_fresh.py).

SUBGRAPH_SDLS := schema/users.graphql schema/courses.graphql schema/progress.graphql

.PHONY: supergraph

## Recompose schema/supergraph.graphql from schema/{users,courses,progress}.graphql.
supergraph: install
	$(PY) -m gateway compose --out schema/supergraph.graphql $(SUBGRAPH_SDLS)
