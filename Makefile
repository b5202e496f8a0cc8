# The maintainer interface. Every target installs what it needs on first use.
#   make serve     local site with live reload on http://127.0.0.1:8000 (drafts too: problems are printed)
#   make build     strict build into site/
#   make check     content check (BASE=origin/main adds the version-bump rule)
#   make test      everything the CI gate runs
#   make links     internal links and anchors of the built site/ (after make build)
#   make bench     measurements (not part of the gate)
#   make release VERSION=2026.11 [FROM=v2026.11] [PUSH=1]   publish an edition with mike (FROM= corrects one)
#   make view-editions   the published editions (gh-pages) on http://127.0.0.1:8001
#   make serve-built DIR=site-preview   a built site (e.g. CI's preview artifact) on http://127.0.0.1:8002
#   make cite DOI=10.1176/appi.ajp.2013.13030392 (or PMID=23982301)   add a reference from Crossref or PubMed
#   make refs [Q=murrough]   list or search the citation keys
#   make review-due [DAYS=30] [TODAY=2026-12-03]   pages due for review
#   python -m scripts search-index SITE   search index into a Zensical build (MkDocs builds make their own)
#   make new-page PAGE=guide/sleep.md TITLE="Ketamine and sleep" [REGULATORY=1]
#   make review-packet   printable packet (HTML and PDF) of every page due for clinical review, in review-packet/

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
EDITIONS_PORT ?= 8001
BUILT_PORT ?= 8002
# Material prints an end-of-life notice on every build; the README explains the plan (Zensical).
export NO_MKDOCS_2_WARNING := 1

.PHONY: install serve build check test links bench release new-page review-packet scores chromium clean view-editions serve-built cite refs review-due

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt pyproject.toml
	@echo "Installing the pinned tools into $(VENV) (first run, or after requirements.txt changed; about a minute)..."
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e . 2>/dev/null \
	  || $(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

# Not strict, so a draft can be read while it has problems; the content check's problems are printed at start
# and after every change. Strictness lives in make build, make check and CI.
serve: install
	$(BIN)/python -m scripts serve --dev-addr $(HOST):$(PORT)

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

# pytest runs one worker per core; each test file stays on one worker (--dist loadfile), so a
# file's module fixtures (a release rehearsal, the Zensical environment) are set up once.
test: install chromium
	$(BIN)/python -m scripts check
	$(BIN)/mkdocs build --strict --clean
	$(BIN)/python -m scripts links site
	$(BIN)/python -m pytest -n auto --dist loadfile

links: install
	$(BIN)/python -m scripts links site

bench: install chromium
	$(BIN)/python -m scripts bench

release: install chromium
	@test -n "$(VERSION)" || { echo "Usage: make release VERSION=2026.11 [FROM=v2026.11] [PUSH=1]" >&2; exit 2; }
	$(BIN)/python -m scripts release $(VERSION) $(if $(FROM),--from "$(FROM)") $(if $(PUSH),--push)

# mike serves the gh-pages branch itself, as published; a port apart from make serve's.
view-editions: install
	$(BIN)/mike serve --config-file mkdocs.release.yml -a $(HOST):$(EDITIONS_PORT)

serve-built: install
	@test -n "$(DIR)" || { echo "Usage: make serve-built DIR=site-preview (a folder holding index.html)" >&2; exit 2; }
	$(BIN)/python -m scripts serve-site "$(DIR)" --host $(HOST) --port $(BUILT_PORT)

cite: install
	@test -n "$(DOI)$(PMID)" || { echo "Usage: make cite DOI=10.1176/appi.ajp.2013.13030392 (or PMID=23982301)" >&2; exit 2; }
	$(BIN)/python -m scripts cite $(if $(DOI),--doi "$(DOI)") $(if $(PMID),--pmid "$(PMID)")

refs: install
	@$(BIN)/python -m scripts refs $(if $(Q),"$(Q)")

review-due: install
	@$(BIN)/python -m scripts review-due $(if $(DAYS),--days "$(DAYS)") $(if $(TODAY),--today "$(TODAY)")

new-page: install
	@test -n "$(PAGE)" -a -n "$(TITLE)" || { echo 'Usage: make new-page PAGE=guide/sleep.md TITLE="Ketamine and sleep"' >&2; exit 2; }
	$(BIN)/python -m scripts new-page "$(PAGE)" "$(TITLE)" $(if $(REGULATORY),--regulatory)

review-packet: install chromium
	$(BIN)/python -m scripts review-packet

clean:
	rm -rf site .pytest_cache .hypothesis bench-results review-packet
