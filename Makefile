# The maintainer interface. Every target installs what it needs on first use.
#   make serve     local site with live reload on http://127.0.0.1:8000
#   make build     strict build into site/
#   make check     content check (BASE=origin/main adds the version-bump rule)
#   make test      everything the CI gate runs
#   make bench     measurements (not part of the gate)
#   python -m scripts search-index SITE   search index into a Zensical build (MkDocs builds make their own)
#   make release VERSION=2026.11 [PUSH=1]   publish an edition with mike
#   make new-page PAGE=guide/sleep.md TITLE="Ketamine and sleep" [REGULATORY=1]

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Material prints an end-of-life notice on every build; the README explains the plan (Zensical).
export NO_MKDOCS_2_WARNING := 1

.PHONY: install serve build check test bench release new-page scores chromium clean

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e . 2>/dev/null \
	  || $(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

serve: install
	$(BIN)/mkdocs serve --strict --dev-addr $(HOST):$(PORT)

build: install
	$(BIN)/mkdocs build --strict --clean

check: install
	$(BIN)/python -m scripts check $(if $(BASE),--base $(BASE))

scores: install
	@$(BIN)/python -m scripts scores

# Browser tests drive Debian's Chromium; no tool may download a browser of its own.
chromium:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else echo "Chromium is missing: run 'sudo apt-get install chromium' (Debian/Ubuntu), then 'make test' again." >&2; exit 1; fi; }

test: install chromium
	$(BIN)/python -m scripts check
	$(BIN)/mkdocs build --strict --clean
	$(BIN)/python -m pytest

bench: install chromium
	$(BIN)/python -m scripts bench

release: install
	@test -n "$(VERSION)" || { echo "Usage: make release VERSION=2026.11 [PUSH=1]" >&2; exit 2; }
	$(BIN)/python -m scripts release $(VERSION) $(if $(PUSH),--push)

new-page: install
	@test -n "$(PAGE)" -a -n "$(TITLE)" || { echo 'Usage: make new-page PAGE=guide/sleep.md TITLE="Ketamine and sleep"' >&2; exit 2; }
	$(BIN)/python -m scripts new-page "$(PAGE)" "$(TITLE)" $(if $(REGULATORY),--regulatory)

clean:
	rm -rf site .pytest_cache .hypothesis bench-results
