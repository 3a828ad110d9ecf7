# Short verbs for Arbor. `make run` and `make test` are the README quickstart.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install frontend chromium schema run test e2e lint fmt typecheck mypy worker beat serve migrate bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## frontend: install the npm packages (once) and build the React app into frontend/dist
FRONTEND_STAMP := frontend/node_modules/.installed
FRONTEND_SRC := $(shell find frontend/src -type f 2>/dev/null) frontend/index.html frontend/vite.config.ts
$(FRONTEND_STAMP): frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	touch $@

frontend/dist/index.html: $(FRONTEND_STAMP) $(FRONTEND_SRC)
	cd frontend && npm run --silent build

frontend: frontend/dist/index.html

install: $(STAMP) frontend

## schema: regenerate the OpenAPI file and the frontend's API types from it
schema: $(STAMP) $(FRONTEND_STAMP)
	$(PY) manage.py spectacular --format openapi-json --file frontend/openapi.json
	cd frontend && npm run --silent schema

migrate: install
	$(PY) manage.py migrate --noinput

## run: install what is missing, migrate, build the demo model (once), seed the demo, serve
run: migrate
	$(PY) manage.py build_demo_model
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver $(HOST):$(PORT)

## chromium: Debian's chromium for the browser tests (Playwright drives it; no download).
## Without apt-get or root it only says so: the browser tests then skip with that reason.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo -n)
APT := $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get -y -qq
CHROMIUM ?= chromium
chromium:
	@command -v $(CHROMIUM) >/dev/null \
	  || { command -v apt-get >/dev/null && { $(APT) install $(CHROMIUM) >/dev/null 2>&1 \
	       || { $(APT) update && $(APT) install $(CHROMIUM) >/dev/null; }; }; } \
	  || echo "make chromium: could not install Debian's $(CHROMIUM) (no apt-get or no root);" \
	       "the browser tests will skip"

## test: the whole suite (PostgreSQL + Redis + real workers when DATABASE_URL/REDIS_URL are set)
test: install chromium
	cd frontend && npx vitest run
	$(PY) -m pytest

## e2e: only the browser tests (Playwright driving Debian's chromium against a live server)
e2e: install chromium
	$(PY) -m pytest tests/browser

lint: install typecheck mypy
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	cd frontend && npx eslint src && npx prettier --check src

typecheck: $(FRONTEND_STAMP)
	cd frontend && npx tsc --noEmit

## mypy: type-check annotator/, trees/, workers/ (django-stubs plugin; config in pyproject.toml)
mypy: $(STAMP)
	$(VENV)/bin/mypy

fmt: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .
	cd frontend && npx prettier --write src

## serve: the ASGI server for services mode (HTTP + websockets), after `make migrate`
serve: install
	$(PY) manage.py collectstatic --noinput
	$(VENV)/bin/daphne -b $(HOST) -p $(PORT) annotator.asgi:application

## worker: a Celery worker for both queues (services mode; use QUEUES=gpu on GPU nodes)
QUEUES ?= cpu,gpu
worker: install
	$(VENV)/bin/celery -A annotator worker -Q $(QUEUES) -l info

beat: install
	$(VENV)/bin/celery -A annotator beat -l info

bench: install
	$(PY) bench/tree_read.py
	$(PY) bench/import.py
	$(PY) bench/expand.py
	$(PY) bench/export.py
	$(PY) bench/derive.py
	$(PY) bench/ui_tree.py
	$(PY) bench/realtime.py

clean:
	rm -rf var .pytest_cache
