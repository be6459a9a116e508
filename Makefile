# Two entry points for a newcomer (see README.md):
#   make plan STACK=staging   install, then print what `pulumi preview` would create, offline
#   make test                 install, then lint and run every test (what CI runs)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STACK ?= staging

.PHONY: install plan test bench

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

plan: install
	$(BIN)/python -m tools.plan --stack $(STACK)

test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python -m workflow_runtime.bench
