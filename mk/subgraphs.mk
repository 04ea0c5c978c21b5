# The learning platform's subgraphs (issue 2): data, schema files, their tests.

.PHONY: seed seed-reset schema schema-check test-subgraphs

## Load the data set (1,000 users, 200 courses, progress) into the subgraph databases;
## idempotent. Databases: *_DATABASE_URL, else SQLite files under DATA_DIR (data/).
seed: install
	$(PY) -m subgraphs.seed

## Empty the subgraph tables, then seed.
seed-reset: install
	$(PY) -m subgraphs.seed --reset

## Print schema/users.graphql, courses.graphql, progress.graphql from the code.
schema: install
	$(PY) -m subgraphs.sdl

## Fail when the checked-in subgraph SDL files differ from the code.
schema-check: install
	$(PY) -m subgraphs.sdl --check

## The subgraph tests only (SQLite; SUBGRAPH_DB_BACKEND=postgres for PostgreSQL).
test-subgraphs: install
	$(PY) -m pytest -p no:cacheprovider -q tests/subgraphs
