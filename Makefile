# The two commands a new machine needs: `make dev` and `make test`.
# Each part of the project adds its own targets in mk/*.mk.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install dev test test-postgres lint typecheck check

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## Run the whole system on embedded defaults (SQLite files, in-process broker and stores).
dev: install seed vendor-graphiql
	$(PY) -m scripts.dev

## Install and run the whole test suite (subgraphs on SQLite).
test: install test-deps
	$(PY) -m pytest -p no:cacheprovider -q

## The same suite with the subgraphs on PostgreSQL (127.0.0.1:5432 unless PG_URL is set).
test-postgres: install test-deps
	SUBGRAPH_DB_BACKEND=postgres $(PY) -m pytest -p no:cacheprovider -q

lint: install
	$(VENV)/bin/ruff check gateway subgraphs tests scripts bench
	$(VENV)/bin/ruff format --check gateway subgraphs tests scripts bench

typecheck: install
	$(VENV)/bin/mypy

check: lint typecheck

# Parts of the project add prerequisites to test-deps (e.g. node packages for the audit).
# test-tools comes first: the programs the tests start, which pip and npm cannot install.
.PHONY: test-deps test-tools
test-deps: test-tools

## Programs the suite runs: chromium (GraphiQL browser tests), redis-server (shared stores),
## Node.js with npm (GraphiQL assets, audit, browser and Apollo Client tests). Installs
## Debian's packages when it can; otherwise stops and names what to install.
test-tools:
	@command -v npm >/dev/null 2>&1 || { echo "test-deps: Node.js 20+ with npm is" \
	  "missing; install it (Debian: apt-get install -y nodejs npm), then re-run" >&2; exit 1; }
	@scripts/need-packages.sh chromium=chromium redis-server=redis-server

include $(wildcard mk/*.mk)
