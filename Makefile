# Two commands: `make run` (set up, load the peer-support example, serve on 127.0.0.1:8000 with
# the task worker beside it) and `make test` (set up, then ruff, import-linter and mypy, Django
# checks, the suite on SQLite and on PostgreSQL, and the browser tests in headless Chromium).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
PYTEST := $(BIN)/python -m pytest -p no:cacheprovider --durations=15

.PHONY: run test setup lint checks test-sqlite test-postgres test-browser test-sqlite-then-browser test-postgres-then-walk screenshots clean bench

$(INSTALLED): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "== Installing the project and its dependencies into $(VENV) (log: $(VENV)/install.log)"
	@$(BIN)/python -m pip install --upgrade --quiet pip > $(VENV)/install.log 2>&1 || { cat $(VENV)/install.log; exit 1; }
	@$(BIN)/python -m pip install --editable '.[dev]' >> $(VENV)/install.log 2>&1 || { cat $(VENV)/install.log; exit 1; }
	@touch $@

setup: $(INSTALLED)

# The task worker (background dry runs and imports, and the recomputation of a project's pages
# after each write) runs beside the server and stops with it.
run: setup
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	@$(BIN)/python manage.py db_worker --no-reload & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	  echo "== Task worker started (process $$worker); the server follows"; \
	  DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(BIN)/python manage.py runserver 127.0.0.1:8000

# The two database suites run side by side (one per core); the browser journeys follow the
# shorter SQLite suite on its core, and the every-page walk (the longest browser test) follows
# the PostgreSQL suite on the other, so that both cores finish at about the same time.
WALK := tests/browser/test_every_page.py
test: lint checks
	$(MAKE) --no-print-directory -j2 test-sqlite-then-browser test-postgres-then-walk
	@echo "== make test: all checks passed"

test-sqlite-then-browser: test-sqlite
	@$(MAKE) --no-print-directory test-browser BROWSER_TESTS="--ignore=$(WALK)"

test-postgres-then-walk: test-postgres
	@$(MAKE) --no-print-directory test-browser BROWSER_TESTS="$(WALK)"

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

checks: setup
	$(BIN)/python manage.py check --fail-level WARNING
	$(BIN)/python manage.py makemigrations --check --dry-run

# Each suite writes its own log, printed whole when it ends, so parallel runs stay readable.
test-sqlite: setup
	@echo "== Test suite on SQLite (log: .make-sqlite.log)"
	@env -u DATABASE_URL $(PYTEST) -m "not browser" > .make-sqlite.log 2>&1; \
	  status=$$?; echo "== SQLite suite:"; cat .make-sqlite.log; exit $$status

# The PostgreSQL lane runs with the shared Redis cache (as several servers would), the SQLite
# lane with the default in-process cache: the suite passes with and without Redis.
test-postgres: setup
	@echo "== Test suite on PostgreSQL with Redis (log: .make-postgres.log)"
	@scripts/with-postgres.sh scripts/with-redis.sh $(PYTEST) -m "not browser" > .make-postgres.log 2>&1; \
	  status=$$?; echo "== PostgreSQL suite:"; cat .make-postgres.log; exit $$status

test-browser: setup
	@echo "== Browser tests (Playwright + headless Chromium)"
	scripts/ensure-chromium.sh
	env -u DATABASE_URL $(PYTEST) -m browser $(BROWSER_TESTS)

bench: setup
	@echo "== Benchmarks on PostgreSQL (default settings): model case vs synthetic large"
	benchmarks/run.sh

clean:
	rm -rf $(VENV) staticfiles db.sqlite3
