# crowdcat: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export CROWDCAT_DATA_DIR ?= $(CURDIR)/instance
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2
THREADS ?= 4

.PHONY: run test install install-test translations migrate demo lint browser-deps screenshots clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall only when the pinned requirements change.
$(VENV)/.installed: requirements.txt pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.installed-test: requirements-test.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-test.txt
	touch $@

install: $(VENV)/.installed translations
install-test: $(VENV)/.installed-test translations browser-deps

translations: $(VENV)/.installed
	$(BIN)/python -m crowdcat.i18n_catalogs compile
	@# Bytecode, as a regular install has it (an editable install has none): faster starts.
	$(BIN)/python -m compileall -q crowdcat

migrate: install
	$(BIN)/crowdcat db upgrade

demo: migrate
	$(BIN)/crowdcat demo --if-empty
	@# The demo's machine readings (offline OCR), once: a rerun reads only what is missing.
	$(BIN)/crowdcat ocr republic-files-demo --only-missing

run: demo
	$(BIN)/gunicorn --bind $(HOST):$(PORT) --workers $(WORKERS) --threads $(THREADS) --access-logfile - wsgi:app

# Chromium and a CJK font for the browser tests (Debian packages; needs root or sudo).
browser-deps:
	@bash scripts/install_browser_deps.sh

test: install-test
	$(BIN)/pytest

lint: install-test
	$(BIN)/ruff check crowdcat tests benchmarks scripts

screenshots: install-test
	$(BIN)/python scripts/screenshots.py

clean:
	rm -rf $(VENV) .pytest_cache
