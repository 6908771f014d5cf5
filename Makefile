# Clubsite: `make run` to try it, `make test` to check it. Both install what they need first.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run serve migrate seed test check db-stop db-status clean

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

# Seeds demo data only into an empty database, then serves the site.
run: migrate
	$(MANAGE) seed_demo --if-empty
	$(MANAGE) runserver $(HOST):$(PORT)

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

check: install
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run

db-stop: install
	$(BIN)/python -m clubsite.embedded_db stop

db-status: install
	$(BIN)/python -m clubsite.embedded_db status

clean: db-stop
	rm -rf $(VENV) .pgdata staticfiles
