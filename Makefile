# Two commands on a fresh machine: `make run` and `make test`.
# Each creates the local virtual environment it needs (.venv) from pyproject.toml.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-test
BENCH_STAMP := $(VENV)/.installed-bench
PROVNET_STORE ?= sqlite:///./data/provnet.db
export PROVNET_STORE

.PHONY: run test lint load serve schema bench-deps bench clean cypher-lint-deps

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("provnet needs Python 3.11 or newer, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $@

## run: load the bundled sample through the real ingest, then serve GraphQL on the embedded store
run: load serve

load: $(STAMP)
	@mkdir -p data
	$(BIN)/provnet db init
	$(BIN)/provnet sample load

serve: $(STAMP)
	$(BIN)/provnet serve

## test: ruff (lint and format) and mypy, then the whole suite (the Neo4j leg of the contract suite runs
## when NEO4J_URI is set; the Cypher lint test runs when `make cypher-lint-deps` has installed Neo4j's Cypher analyser)
test: lint
	@if [ -d $(CYPHER_LINT)/node_modules/@neo4j-cypher/language-support ]; then \
	  CYPHER_LINT_NODE_PATH=$(CURDIR)/$(CYPHER_LINT)/node_modules $(BIN)/python -m pytest -q; \
	else $(BIN)/python -m pytest -q; fi

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Neo4j's own Cypher parser and semantic analysis (npm), so the Neo4j adapter's
# queries are checked even where no Neo4j server can run.
CYPHER_LINT := .cypher-lint
cypher-lint-deps:
	npm install --silent --no-audit --no-fund --prefix $(CYPHER_LINT) @neo4j-cypher/language-support@2.0.0-next.38

## schema: regenerate the committed GraphQL SDL
schema: $(STAMP)
	$(BIN)/provnet export-schema

$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,bench]'
	@touch $@

bench-deps: $(BENCH_STAMP)

clean:
	rm -rf $(VENV) $(CYPHER_LINT) data/provnet.db data/provnet.db-wal data/provnet.db-shm .pytest_cache
