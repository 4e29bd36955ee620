# sevenfold — two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip
PYTEST_ARGS ?=

.PHONY: demo test check install-demo install-test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

# extras needed by the main job (HTML/PDF reports)
$(VENV)/.demo-installed: pyproject.toml | $(BIN)/python
	$(PIP) install -q -e ".[report]"
	touch $@

# everything the whole suite exercises
$(VENV)/.test-installed: pyproject.toml | $(BIN)/python
	$(PIP) install -q -e ".[dev,web,report,interop,names,spark,postgres,cite]"
	touch $@

install-demo: $(VENV)/.demo-installed
install-test: $(VENV)/.test-installed

## make demo: create .venv, install, run the main job on the bundled seed cases (SQLite store)
demo: install-demo
	$(BIN)/sevenfold demo --report-dir out/reports

## make test: install test extras and run the whole suite
test: install-test
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

## make check: ruff + mypy, both clean (CI runs it beside make test)
check: install-test
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy src

lint: check

clean:
	rm -rf $(VENV) out .pytest_cache
