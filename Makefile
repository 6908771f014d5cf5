# Clubsite: `make run` to try it (`make dev` to work on it), `make check` and `make test` to check it. Both install what they need first.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run dev worker migrate seed test test-dates check db-stop db-status clean bench loadtest

install: $(STAMP)

$(STAMP): requirements.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed: install python3.11 or run 'make PYTHON=/path/to/python3.11'"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $(STAMP)

migrate: install
	$(MANAGE) migrate --no-input

seed: migrate
	$(MANAGE) seed_demo

# Seeds demo data only into an empty database, then serves the site with a job worker beside it (the worker sends
# the mail and prints it here); Ctrl-C stops both. The site as people meet it: the designed error pages, static
# files through WhiteNoise (clubsite/settings/run.py).
run: migrate
	$(MANAGE) seed_demo --if-empty
	DJANGO_SETTINGS_MODULE=clubsite.settings.run $(MANAGE) runsite $(HOST):$(PORT)

# The same for a developer: Django's debug pages (a traceback on an error, the URL list on a 404).
dev: migrate
	$(MANAGE) seed_demo --if-empty
	$(MANAGE) runsite $(HOST):$(PORT)

# One more worker (on this machine or another pointed at the same DATABASE_URL): `make worker WORKER_ARGS="-q mail"`.
worker: install
	$(MANAGE) procrastinate worker $(WORKER_ARGS)

# Two processes (pytest-xdist, each with its own test database): the suite takes about half as long on two cores.
# `make test TEST_WORKERS=0` runs it in one process.
TEST_WORKERS ?= 2
# --dist loadgroup keeps a module marked xdist_group on one worker (the accessibility crawl runs once, not per worker).
test: install
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

# The suite on the days that catch date bugs (see conftest.py): month ends, a leap day, New Year's Eve late,
# both DST changes, and the first of a summer month whose first half hour is still the last month in UTC.
# The browser journeys stay out: chromium keeps the real clock.
TEST_DATES := "2027-01-31 12:00" "2028-02-29 12:00" "2026-12-31 23:30" "2027-03-27 23:30" "2027-03-28 12:00" \
	"2026-10-25 00:30" "2027-06-30 23:30" "2027-07-01 00:30"
test-dates: install
	@for when in $(TEST_DATES); do \
		echo "== the tests on $$when"; \
		CLUBSITE_TEST_NOW="$$when" $(BIN)/python -m pytest -q -m "not e2e" --ignore=clubsite/tests/e2e $(PYTEST_ARGS) || exit 1; \
	done

# Style, the layers (import contracts), types, Django's own checks, no model change without its migration, and no
# installed package with a known vulnerability (pip-audit asks PyPI; a package it cannot look up is listed, not
# failed, so a machine without PyPI's JSON API still checks the rest).
check: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run
	$(BIN)/pip-audit --progress-spinner off

db-stop: install
	$(BIN)/python -m clubsite.embedded_db stop

db-status: install
	$(BIN)/python -m clubsite.embedded_db status

clean: db-stop
	rm -rf $(VENV) .pgdata staticfiles

# Benchmarks (not part of `make test`): two databases on the embedded server, measured and compared.
# See docs/performance.md. BENCH_LARGE_SCALE=100 is 100,000 members and 10,000,000 health metrics.
BENCH_LARGE_SCALE ?= 100
BENCH_URL = postgres://postgres@/$(1)?host=$(CURDIR)/.pgdata
BENCH_ENV = DJANGO_SETTINGS_MODULE=clubsite.settings.bench

bench: migrate
	$(MANAGE) bench_setup --database clubsite_bench_small --scale 1
	$(MANAGE) bench_setup --database clubsite_bench_large --scale $(BENCH_LARGE_SCALE)
	$(BENCH_ENV) DATABASE_URL="$(call BENCH_URL,clubsite_bench_small)" $(MANAGE) bench --label small --output docs/bench/small.json
	$(BENCH_ENV) DATABASE_URL="$(call BENCH_URL,clubsite_bench_large)" $(MANAGE) bench --label large --output docs/bench/large.json
	$(BENCH_ENV) $(MANAGE) bench --compare docs/bench/small.json docs/bench/large.json

loadtest: migrate
	@command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk"; exit 1; }
	$(MANAGE) bench_setup --database clubsite_bench_large --scale $(BENCH_LARGE_SCALE)
	$(BENCH_ENV) DATABASE_URL="$(call BENCH_URL,clubsite_bench_large)" $(MANAGE) loadtest
