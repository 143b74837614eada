# Tawthiq: `make demo` and `make test` are the two commands a newcomer needs.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test bench bench-ingest bench-extract bench-resolve bench-web migrations clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "error: $(PYTHON) not found (Tawthiq needs Python 3.11)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

test: install
	$(BIN)/pytest

demo: install
	@echo "demo: not built yet"

bench: bench-ingest bench-extract bench-resolve bench-web

bench-ingest: install
bench-extract: install
bench-resolve: install
bench-web: install

# Nothing is released yet: the schema is one initial migration, rebuilt from models.py.
migrations: install
	rm -f src/tawthiq/store/migrations/0001_initial.py
	TAWTHIQ_DATA_DIR=$$(mktemp -d) $(BIN)/python -m django makemigrations store --settings=tawthiq.settings

clean:
	rm -rf $(VENV) tawthiq-data
