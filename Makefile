# migkg: two commands for a newcomer (see README.md):
#   make run    set up .venv, install, build the report (report/index.html) and say where it is
#   make test   set up if needed (also Debian's chromium for the report's browser test), lint (ruff),
#               then run every test on all cores (pytest-xdist)
# and for everyday work:
#   make test-fast   the unit, data, shape and query-answer tests only (no slow, server or browser test)
#   make lint        ruff over src/, tests/ and benchmarks/
#   make release     write the graph in every format, with checksums, into dist/ (not committed)

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

DIST   ?= dist
REPORT ?= report

# The report's browser test drives Debian's Chromium (never a downloaded browser build).
CHROMIUM     ?= /usr/bin/chromium
CHROMEDRIVER ?= /usr/bin/chromedriver
APT_GET      := $(if $(filter 0,$(shell id -u)),,sudo )apt-get
RELEASE_FILES := migkg.ttl migkg.nt migkg.jsonld migkg.rdf migkg.trig migkg.nq migkg-inferred.trig

# pytest-xdist workers (auto: one per CPU core; JOBS=0 runs in one process). --dist loadfile: all the
# tests of a file run on one worker, so a module fixture (an oxigraph server, an export, a report) is
# made once. (--dist loadgroup would group by xdist_group marks, but with pytest 9.2 and xdist 3.8 it
# sends every test on its own: xdist sets item._nodeid, which pytest 9.2 no longer reads.)
JOBS       ?= auto
PYTEST     := $(BIN)/python -m pytest -n $(JOBS) --dist loadfile
FAST_TESTS := -m "not slow and not server and not browser"

.PHONY: setup browser run test test-fast lint info release clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

# Installed only when missing (the file is the stamp); needs root or sudo and Debian's archive.
$(CHROMIUM) $(CHROMEDRIVER):
	DEBIAN_FRONTEND=noninteractive $(APT_GET) update -qq
	DEBIAN_FRONTEND=noninteractive $(APT_GET) install -y -qq --no-install-recommends chromium chromium-driver fonts-dejavu-core

browser: $(CHROMIUM) $(CHROMEDRIVER)

# The main job: load, reason, validate, run the query catalogue and write the report.
run: setup
	$(BIN)/migkg report -o $(REPORT)

lint: setup
	$(BIN)/ruff check src tests benchmarks

test: setup browser lint
	$(PYTEST)

test-fast: setup
	$(PYTEST) $(FAST_TESTS)

info: setup
	$(BIN)/migkg info

# Every file is written through a temporary file and renamed, and is the same bytes for the
# same input, so SHA256SUMS only changes when the knowledge does.
release: setup
	mkdir -p $(DIST)
	$(BIN)/migkg export --format ttl -o $(DIST)/migkg.ttl
	$(BIN)/migkg export --format nt -o $(DIST)/migkg.nt
	$(BIN)/migkg export --format jsonld -o $(DIST)/migkg.jsonld
	$(BIN)/migkg export --format xml -o $(DIST)/migkg.rdf
	$(BIN)/migkg export --format trig --graphs --shapes -o $(DIST)/migkg.trig
	$(BIN)/migkg export --format nq --graphs --shapes -o $(DIST)/migkg.nq
	$(BIN)/migkg export --format trig --graphs --inferred -o $(DIST)/migkg-inferred.trig
	$(BIN)/python -c 'import hashlib, os, sys; os.chdir(sys.argv[1]); \
	  print("".join(hashlib.sha256(open(f, "rb").read()).hexdigest() + "  " + f + "\n" for f in sys.argv[2:]), end="")' \
	  $(DIST) $(RELEASE_FILES) > $(DIST)/SHA256SUMS.part && mv $(DIST)/SHA256SUMS.part $(DIST)/SHA256SUMS
	@echo "release files and SHA256SUMS in $(DIST)/ (check with: cd $(DIST) && sha256sum -c SHA256SUMS)"

clean:
	rm -rf $(VENV) build dist $(REPORT) .pytest_cache
