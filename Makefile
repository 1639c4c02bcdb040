VENV ?= .venv
PY := $(VENV)/bin/python
# `make run` installs the reader alone; `make test` and `make lint` add the test and lint tools
# and the optional full-stemming extra (PySastrawi, whose dictionary is CC BY-NC-SA), so the
# fallback is tested.
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: run test test-thorough lint format bench bench-tui eval screenshots clean

$(VENV)/bin/python:
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# An editable install compiles none of the reader's own modules (pip does for the packages it
# installs): compiled here once, instead of by each process that first imports them (the four
# test workers at once, on a fresh clone).
$(RUN_STAMP): pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e .
	$(PY) -m compileall -q reader
	touch $(RUN_STAMP)

$(DEV_STAMP): pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e ".[dev]"
	$(PY) -m compileall -q reader
	touch $(DEV_STAMP)

run: $(RUN_STAMP)
	$(VENV)/bin/kemnaker-reader

# Four workers on the two cores: a Pilot test, an end-to-end command and a PostgreSQL test each
# spend part of their time waiting, and a fourth worker fills those waits (1,087 tests, one
# session, runs interleaved: -n 4 52.8, 52.7, 53.1, 51.6 s; -n 3 57.1, 56.3 s; -n 5 54.1,
# 55.0 s). The store-level tests run on SQLite and on a throw-away PostgreSQL cluster
# (scripts/with_pg.sh).
test: $(DEV_STAMP)
	scripts/with_pg.sh $(PY) -m pytest -n 4

# The same, with every example of the costly Hypothesis properties (tests/conftest.py: examples).
test-thorough: $(DEV_STAMP)
	KEMNAKER_READER_THOROUGH=1 scripts/with_pg.sh $(PY) -m pytest -n 4

# The gate CI runs before the tests: lint, formatting, types (strict on reader/core), layers.
lint: $(DEV_STAMP)
	$(VENV)/bin/ruff check reader tests bench scripts
	$(VENV)/bin/ruff format --check reader tests bench scripts
	@! grep -rn --include='*.py' -e 'fmt: skip' -e 'fmt: off' reader tests bench scripts \
		|| { echo "lint: formatting is switched off on the lines above" >&2; exit 1; }
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

format: $(DEV_STAMP)
	$(VENV)/bin/ruff check --fix reader tests bench scripts
	$(VENV)/bin/ruff format reader tests bench scripts

bench: $(RUN_STAMP)
	$(PY) bench/bench_core.py

# The reader against Newsboat (../shared/tuibench/compare.sh, when that folder is there; says so
# and does nothing otherwise). SIZES, RUNS, TUIBENCH, KR and DATA pass through: see the script.
bench-tui: $(RUN_STAMP)
	bench/compare_tui.sh

eval: $(DEV_STAMP)
	$(PY) bench/eval_search.py

screenshots: $(DEV_STAMP)
	$(PY) scripts/export_screenshots.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
