# The two set-up commands in the README: `make demo` and `make test`. Each creates .venv and installs
# what it needs from this repo's own files, so both work on a fresh clone.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip --disable-pip-version-check -q

.PHONY: demo test test-all test-browser test-spark test-kills test-bare lint format bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -U 'pip>=25.1'

# Core install plus the web app and the record detectors (FastAPI, scikit-learn): enough for
# scanning, the demo with every detector but the transformer encoder, and `stocktake serve` on it.
$(VENV)/.core: pyproject.toml | $(BIN)/python
	$(PIP) install -e '.[web,detect]'
	touch $@

# Everything the default test run needs: the model extra (torch 2.13.0 CPU wheel from local disk) + dev tools.
$(VENV)/.dev: pyproject.toml $(VENV)/.core
	$(PIP) install -e '.[model,detect,web,spark]' --group dev
	touch $@

demo: $(VENV)/.core
	$(BIN)/stocktake demo --out stocktake-demo

test: $(VENV)/.dev
	$(BIN)/python -m pytest -q

# Headless Chromium (Debian's /usr/bin/chromium) against real reports; under CI=true a missing browser fails.
test-browser: $(VENV)/.dev
	$(BIN)/python -m pytest -q -m browser

# The conformance suite on Spark local mode (Java 17): the same declarations, the same results.
test-spark: $(VENV)/.dev
	$(BIN)/python -m pytest -q -m spark tests/engines/test_spark_conformance.py

# SIGKILL `stocktake scan` 20 times (the default run kills 6): its own CI step, so it does not
# crowd the default run's 10 minutes.
test-kills: $(VENV)/.dev
	STOCKTAKE_KILLS=20 $(BIN)/python -m pytest -q tests/robustness/test_kill_scan.py

test-all: $(VENV)/.dev
	$(BIN)/python -m pytest -q -m ''

lint: $(VENV)/.dev
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

format: $(VENV)/.dev
	$(BIN)/ruff format src tests benchmarks
	$(BIN)/ruff check --fix src tests benchmarks

bench: $(VENV)/.dev
	$(BIN)/python benchmarks/profile_columns.py

clean:
	rm -rf $(VENV) stocktake-demo stocktake-out .stocktake .pytest_cache
