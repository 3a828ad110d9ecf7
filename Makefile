# Short verbs for Arbor. `make run` and `make test` are the README quickstart.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint fmt typecheck worker beat serve migrate bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(PY) manage.py migrate --noinput

## run: install what is missing, migrate, build the demo model (once), seed the demo, serve
run: migrate
	$(PY) manage.py build_demo_model
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver $(HOST):$(PORT)

## test: the whole suite (PostgreSQL + Redis + real workers when DATABASE_URL/REDIS_URL are set)
test: install
	$(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

fmt: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

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

clean:
	rm -rf var .pytest_cache
