# The two commands of the README are the contract: `make demo` and `make test`.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint format typecheck unit venv lock bench clean

$(STAMP): pyproject.toml requirements/lock.txt
	@test -x $(BIN)/python || $$(.ci/find-python) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=25"
	$(BIN)/python -m pip install --quiet -r requirements/lock.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

venv: $(STAMP)

## demo: set everything up, load a synthetic country, serve http://127.0.0.1:8000
demo: $(STAMP)
	$(BIN)/tiphub demo

## test: lint, type checks and the whole test suite
test: lint typecheck unit

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

format: $(STAMP)
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest -n 2 -p no:cacheprovider

## lock: re-resolve the pinned set after changing pyproject.toml
lock: $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	( echo "# Resolved, pinned dependency set for Python 3.12 (pip freeze of a \`make venv\`). Regenerate with \`make lock\`."; \
	  $(BIN)/python -m pip freeze --exclude-editable ) > requirements/lock.txt

bench: $(STAMP)
	@echo "see bench/README.md: each benchmark prints the command that reproduces it"

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
