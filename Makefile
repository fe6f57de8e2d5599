# All set-up happens here: a fresh machine needs only python3.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
BOTKIT := $(VENV)/bin/botkit

.PHONY: demo test lint typecheck unit bench bench-smoke clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(VENV)/.installed $@

demo: $(VENV)/.installed
	$(BOTKIT) demo

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check botkit plugins tests bench
	$(VENV)/bin/ruff format --check botkit plugins tests bench

typecheck: $(VENV)/.installed-dev
	$(VENV)/bin/mypy

unit: $(VENV)/.installed-dev
	$(PY) -m pytest

test: lint typecheck unit

bench: $(VENV)/.installed-dev
	$(PY) -m bench

bench-smoke: $(VENV)/.installed-dev
	$(PY) -m bench --smoke --output bench/results-smoke.json

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache build dist
