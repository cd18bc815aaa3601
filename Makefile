# The obvious verbs. `make up` and `make test` install what they need first.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
PORT ?= 8009
DATA_DIR ?= .local
# jsii (under aws-cdk-lib) nags about the machine's Node.js version on every synth.
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION = 1

.PHONY: install console up demo test test-fast fuzz lint format synth clean

## ReDoc's standalone script for the docs' ReDoc pages, unpacked from the npm registry's package of this version
REDOC_VERSION := 2.5.2
REDOC_SCRIPT := functions/docs/redoc/redoc.standalone.js
$(REDOC_SCRIPT):
	mkdir -p $(dir $@)
	cd $(dir $@) && npm pack --silent redoc@$(REDOC_VERSION) >/dev/null \
		&& tar -xzf redoc-$(REDOC_VERSION).tgz --strip-components=2 \
			package/bundles/redoc.standalone.js package/bundles/redoc.standalone.js.LICENSE.txt \
		&& rm redoc-$(REDOC_VERSION).tgz

install: $(VENV)/.installed console $(REDOC_SCRIPT)

## The web console's bundle (console/ → functions/console/site), from the npm registry through the lock file
CONSOLE_SOURCES := $(shell find console/src console/public -type f 2>/dev/null) console/index.html \
	console/vite.config.ts console/tsconfig.json
CONSOLE_BUNDLE := functions/console/site/index.html
console: $(CONSOLE_BUNDLE)

console/node_modules/.package-lock.json: console/package.json console/package-lock.json
	npm --prefix console ci --no-audit --no-fund --loglevel=error

$(CONSOLE_BUNDLE): console/node_modules/.package-lock.json $(CONSOLE_SOURCES)
	npm --prefix console run --silent build

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
	npm --prefix console run --silent test
	$(BIN)/pytest

test-fast: install
	$(BIN)/pytest tests/unit tests/integration

## Fuzz every operation against the OpenAPI document (its own analytics-local up; prints the figures)
FUZZ_EXAMPLES ?= 50
fuzz: install
	$(BIN)/python -m tests.e2e.fuzz --examples $(FUZZ_EXAMPLES) $(if $(SEED),--seed $(SEED))

lint: install
	npm --prefix console run --silent check
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
	rm -rf cdk.out layers/build .pytest_cache .mypy_cache .ruff_cache functions/console/site functions/docs/redoc console/node_modules
