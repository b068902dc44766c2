# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
PORT ?= 8000
STAMP := $(VENV)/.installed
# axe-core, for the accessibility checks of the browser tests; skipped where there is no npm.
NODE_STAMP := $(if $(shell command -v npm),node_modules/.installed)

.PHONY: run test install lint format bench clean-db

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(STAMP)

# Local development: debug on (so no secret key is needed), SQLite unless DATABASE_URL says otherwise.
run: export DJANGO_DEBUG ?= 1
run: $(STAMP)
	$(MANAGE) migrate --noinput
	$(MANAGE) load_seed
	$(MANAGE) collectstatic --noinput --verbosity 0
	$(MANAGE) runserver 127.0.0.1:$(PORT)

test: $(STAMP) $(NODE_STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

# Pages under load over HTTP (bench/http_benchmark.py): `make bench ARTICLES=3000`. The corpus
# size defaults to 100,000 on PostgreSQL (DATABASE_URL) and 3,000 on SQLite (bench.sqlite3).
bench: $(STAMP)
	$(PY) bench/http_benchmark.py $(if $(ARTICLES),--articles $(ARTICLES)) $(BENCH_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .
