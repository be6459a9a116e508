# Two entry points for a newcomer (see README.md):
#   make plan STACK=staging   install, then print what `pulumi preview` would create, offline
#   make test                 install, then lint and run every test (what CI runs)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STACK ?= staging

.PHONY: install plan plans test bench bench-costs mutation

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

plan: install
	$(BIN)/python -m tools.plan --stack $(STACK)

# Rewrite the golden plans plans/<stack>.json and the inventories
# tests/program/inventory/<stack>.yaml (commit them with the change that moved them).
plans: install
	$(BIN)/python -m tools.golden_plans
	$(BIN)/python -m tools.inventory

test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python -m workflow_runtime.bench

# Billed steps and API calls of the deployed workflows (tools/bench_costs.py): one table.
bench-costs: install
	$(BIN)/python -m tools.bench_costs

# Mutation testing (docs/mutation.md): mutmut over the runtime's semantic layers and
# components/ (config in pyproject.toml), then the score per layer. Hours on a cold start
# with 2 cores; mutmut keeps its results in mutants/ and reruns only what changed.
MUTATION_JOBS ?= 2
mutation: install
	$(BIN)/mutmut run --max-children $(MUTATION_JOBS)
	$(BIN)/python -m tools.mutation_report
