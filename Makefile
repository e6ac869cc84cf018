# Two commands for a newcomer: `make run` and `make test`. Only Python 3.11 and make are needed
# (plus Pango for PDF rendering; see README). DATABASE_URL unset means a local SQLite file.

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# Reinstall when a requirements file changes.
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000
ARGS ?=
# Test processes: one per core (pytest-xdist); JOBS=0 runs everything in one process.
JOBS ?= auto

.PHONY: run worker test lint format bench load migrate demo clean help

help:
	@echo "make run    - install, migrate, load the demo (first time) and serve on http://$(HOST):$(PORT)"
	@echo "make worker - run a background worker on its own (make run starts one itself)"
	@echo "make test   - run the whole test suite"
	@echo "make lint   - ruff lint and format check"
	@echo "make bench  - national-scale benchmark against PostgreSQL (see bench/README.md)"
	@echo "make load   - load, database-fault and interrupted-import runs (after make bench)"

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

run: export DEBUG ?= 1
run: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	@if $(BIN)/python manage.py shell -c "from portal.models import User; import sys; sys.exit(0 if User.objects.exists() else 1)"; then \
		echo "The database already has users: not loading the demo again."; \
	else \
		$(BIN)/python manage.py seed_demo; \
	fi
	@echo ""
	@echo "  Partnership portal: http://$(HOST):$(PORT)/"
	@echo "  Demo sign-ins (password demo-password): lead@example.org, signatory@example.org,"
	@echo "  coordinator@example.org, member@example.org, admin@example.org,"
	@echo "  student@example.org, educator@example.org"
	@echo "  A background worker (e-mail, exports, signed PDFs, the daily work) runs beside the server."
	@echo ""
	$(BIN)/python manage.py run_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# A worker on its own (production runs one or more on every machine: docs/operator.md).
worker: $(STAMP)
	$(BIN)/python manage.py run_worker

test: $(STAMP)
	$(BIN)/python -m pytest -n $(JOBS) $(ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The benchmark needs PostgreSQL with the national-scale dataset (built on first run, about 30 s).
BENCH_DATABASE_URL ?= postgres://postgres@localhost:5432/portal_bench

bench: $(STAMP)
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python -m bench.run $(ARGS)

load: $(STAMP)
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python -m bench.load $(ARGS)

migrate: $(STAMP)
	$(BIN)/python manage.py migrate --noinput

demo: $(STAMP)
	DEBUG=1 $(BIN)/python manage.py seed_demo

clean:
	rm -rf $(VENV) staticfiles
