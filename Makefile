# manifest-docs — the two commands a newcomer needs are `make site` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
export NO_MKDOCS_2_WARNING := 1

.PHONY: site serve site-zensical serve-zensical check example test test-browser-all lint typecheck schema screenshot bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-docs: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[docs]'
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed-docs $(VENV)/.installed-zensical

$(VENV)/.installed-zensical: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[docs,zensical]'
	touch $@ $(VENV)/.installed-docs

## site: validate manifest.yml and build the documentation site into site/
site: $(VENV)/.installed-docs
	$(BIN)/br-ops validate
	@if [ -f mkdocs.yml ]; then $(BIN)/mkdocs build --strict; fi

## serve: preview the site with live reload on http://127.0.0.1:8000 (ADDR=host:port)
ADDR ?= 127.0.0.1:8000
serve: $(VENV)/.installed-docs
	$(BIN)/mkdocs serve -a $(ADDR)

## site-zensical: the same site built by Zensical into site-zensical/ (no drift gate: make check)
ZENSICAL_DOCS   ?= build/zensical-docs
ZENSICAL_CONFIG ?= mkdocs.zensical.yml
PAGES = $(BIN)/br-ops pages --out $(ZENSICAL_DOCS) --zensical-config $(ZENSICAL_CONFIG) --site-dir site-zensical
site-zensical: $(VENV)/.installed-zensical
	$(BIN)/br-ops validate
	$(PAGES)
	$(BIN)/zensical build -f $(ZENSICAL_CONFIG)

## serve-zensical: preview the Zensical build; pages are re-exported when an input changes
serve-zensical: $(VENV)/.installed-zensical
	$(PAGES)
	$(PAGES) --watch & pages=$$!; trap 'kill $$pages' EXIT INT TERM; \
	$(BIN)/zensical serve -f $(ZENSICAL_CONFIG) -a $(ADDR)

## example: validate, drift-check and build the Kestrel Freight example into examples/kestrel/site/
example: $(VENV)/.installed-docs
	cd examples/kestrel && $(abspath $(BIN))/br-ops validate && $(abspath $(BIN))/br-ops check \
	  && $(abspath $(BIN))/mkdocs build --strict

## check: the drift gate (engine-independent: run it whichever engine builds the site)
check: $(VENV)/.installed-docs
	$(BIN)/br-ops check

## test: lint, type-check and run the whole test suite
test: $(VENV)/.installed-dev
	$(BIN)/ruff check plugins tests bench
	$(BIN)/mypy
	@# pytest exits 5 when it collected nothing: a silent suite is a failure, say so.
	@$(BIN)/python -m pytest -q; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "make test: pytest collected no tests" >&2; exit 1; fi; \
	exit $$rc

## test-browser-all: the browser crawl over every page of the 1,000-service site (slow)
test-browser-all: $(VENV)/.installed-dev
	SYNTHETIC_PAGES=all REQUIRE_BROWSER=1 $(BIN)/python -m pytest -q tests/browser/test_browser_crawl.py

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check plugins tests bench
	$(BIN)/ruff format --check plugins tests bench

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy

## schema: regenerate schema/manifest.schema.json from the model
schema: $(VENV)/.installed-docs
	$(BIN)/br-ops schema > schema/manifest.schema.json.tmp && mv schema/manifest.schema.json.tmp schema/manifest.schema.json

## screenshot: refresh the README's picture of the site (needs /usr/bin/chromium)
screenshot: $(VENV)/.installed-dev
	REQUIRE_BROWSER=1 $(BIN)/python -m pytest -q tests/browser/test_browser_pages.py -k catalogue_as_a_reader
	mkdir -p docs/assets
	cp build/screenshots/test_catalogue_as_a_reader_first_sees_it-readme.png docs/assets/screenshot.png

## bench: loader, drift and build benchmarks (ratios measured in one run)
BENCH_ARGS ?=
bench: $(VENV)/.installed-dev
	$(BIN)/python bench/run.py --markdown docs/performance.md $(BENCH_ARGS)

clean:
	rm -rf site site-zensical build .cache mkdocs.zensical.yml .pytest_cache .mypy_cache .ruff_cache
