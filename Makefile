VENV ?= .venv
PY := $(VENV)/bin/python
# `make run` installs the reader alone; `make test` adds the test tools and the optional
# full-stemming extra (PySastrawi, whose dictionary is CC BY-NC-SA), so the fallback is tested.
RUN_STAMP := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run test bench eval screenshots clean

$(VENV)/bin/python:
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(RUN_STAMP): pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e .
	touch $(RUN_STAMP)

$(TEST_STAMP): pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(TEST_STAMP)

run: $(RUN_STAMP)
	$(VENV)/bin/kemnaker-reader

test: $(TEST_STAMP)
	$(PY) -m pytest

bench: $(RUN_STAMP)
	$(PY) bench/bench_core.py

eval: $(TEST_STAMP)
	$(PY) bench/eval_search.py

screenshots: $(TEST_STAMP)
	$(PY) scripts/export_screenshots.py

clean:
	rm -rf $(VENV) .pytest_cache
