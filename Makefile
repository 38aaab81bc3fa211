# karabakh-site. `make build` and `make test` do all the set-up themselves.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The stamp names the inputs it was installed from, so editing either reinstalls.
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml constraints.txt | cksum | cut -d' ' -f1)
PORT ?= 8000
# The W3C Nu HTML checker, for the browser tests (npm package vnu-jar; runs on Java).
VNU_VERSION := 26.9.27
VNU := $(VENV)/node/node_modules/vnu-jar/build/dist/vnu.jar

.PHONY: all build test check serve bench lint clean

all: build

$(STAMP): pyproject.toml constraints.txt
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $@

# Byte-compiled once here, so that builds start fast even where PYTHONDONTWRITEBYTECODE is set.
build: $(STAMP)
	$(BIN)/python -m compileall -q src/karabakh_site
	$(BIN)/karabakh-site build

$(VNU): $(STAMP)
	tools/system-packages
	npm install --silent --no-save --no-audit --no-fund --prefix $(VENV)/node vnu-jar@$(VNU_VERSION)

test: $(STAMP) $(VNU)
	tools/system-packages
	VNU_JAR=$(abspath $(VNU)) $(BIN)/python -m pytest

check: build
	$(BIN)/karabakh-site check

serve: $(STAMP)
	$(BIN)/karabakh-site serve --port $(PORT)

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r bench/requirements.txt
	$(BIN)/python bench/run.py $(BENCH_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

clean:
	rm -rf build $(VENV) .pytest_cache .ruff_cache .hypothesis
