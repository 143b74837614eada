# Tawthiq: `make demo` and `make test` are the two commands a newcomer needs.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test bench bench-ingest bench-extract bench-resolve bench-web bench-resolve-real migrations clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "error: $(PYTHON) not found (Tawthiq needs Python 3.11)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

# htmx for the web pages, from the npm registry; served by Django, never from a CDN.
HTMX_VERSION := 2.0.11
NPM_STAMP := build/npm/.installed-htmx-$(HTMX_VERSION)

$(NPM_STAMP):
	@command -v npm >/dev/null 2>&1 || { echo "error: npm not found (the web pages need htmx from the npm registry)"; exit 1; }
	npm install --silent --no-audit --no-fund --prefix build/npm htmx.org@$(HTMX_VERSION)
	touch $(NPM_STAMP)

install: $(STAMP) $(NPM_STAMP)

test: install
	$(BIN)/pytest

# Fresh demo database under ./tawthiq-data/demo from the fictional demo/corpus, then serve it;
# NO_SERVE=1 builds and stops (see demo/build.sh for the other settings).
demo: install
	./demo/build.sh

bench: bench-ingest bench-extract bench-resolve bench-web

bench-ingest: install
	$(BIN)/python benchmarks/bench_ingest.py
bench-extract: install
	$(BIN)/python benchmarks/bench_extract.py
# Synthetic records at 10k, 100k and 1M (BENCH_SIZES=10000 for a quick run).
bench-resolve: install
	$(BIN)/python benchmarks/bench_resolve.py
bench-web: install
	$(BIN)/python benchmarks/bench_web.py

# Person linkage on real spellings (../shared/corpus/names); part of bench-resolve.
bench-resolve: bench-resolve-real
bench-resolve-real: install
	$(BIN)/python benchmarks/bench_names_real.py

# Nothing is released yet: the schema is one initial migration, rebuilt from models.py.
# 0002_search (hand-written full-text index, depends on 0001_initial) is set aside meanwhile.
migrations: install
	rm -f src/tawthiq/store/migrations/0001_initial.py
	aside=$$(mktemp -d) && mv src/tawthiq/store/migrations/0002_search.py $$aside/ && \
	  { TAWTHIQ_DATA_DIR=$$(mktemp -d) $(BIN)/python -m django makemigrations store --settings=tawthiq.settings; \
	    status=$$?; mv $$aside/0002_search.py src/tawthiq/store/migrations/; exit $$status; }

clean:
	rm -rf $(VENV) tawthiq-data
