# The obvious verbs. `make up` and `make test` install what they need first.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
PORT ?= 8009
DATA_DIR ?= .local
# jsii (under aws-cdk-lib) nags about the machine's Node.js version on every synth.
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION = 1

.PHONY: install up demo test test-fast fuzz lint format synth clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

## Start the service locally (embedded PostgreSQL, moto, demo data) on http://127.0.0.1:$(PORT)
up: install
	$(BIN)/analytics-local up --demo --port $(PORT) --data-dir $(DATA_DIR)

demo: install
	$(BIN)/analytics-local demo --data-dir $(DATA_DIR)

## Every test suite: unit, integration, infrastructure, end-to-end
test: install
	$(BIN)/pytest

test-fast: install
	$(BIN)/pytest tests/unit tests/integration

## Fuzz every operation against the OpenAPI document (its own analytics-local up; prints the figures)
FUZZ_EXAMPLES ?= 50
fuzz: install
	$(BIN)/python -m tests.e2e.fuzz --examples $(FUZZ_EXAMPLES) $(if $(SEED),--seed $(SEED))

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy shared functions infra

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## Synthesize the CloudFormation template (no Docker needed)
synth: install
	PATH="$(abspath $(BIN)):$$PATH" npx --yes aws-cdk@2 synth --quiet

clean:
	rm -rf cdk.out layers/build .pytest_cache .mypy_cache .ruff_cache
