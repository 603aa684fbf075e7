# migkg: two commands for a newcomer (see README.md):
#   make run    set up .venv, install, run the main job and say where its output is
#   make test   set up if needed and run the tests

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: setup run test info clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

run: setup
	$(BIN)/migkg run

test: setup
	$(BIN)/python -m pytest

info: setup
	$(BIN)/migkg info

clean:
	rm -rf $(VENV) build dist report .pytest_cache
