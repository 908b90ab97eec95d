# The README's commands. Everything runs from a local virtualenv in .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
PORT ?= 5000
export PORT

.PHONY: install run test test-postgres test-redis test-security lint format bench bench-mail loadtest loadtest-short translations translations-update clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall only when the dependency list changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

# axe-core for the accessibility scans in the browser tests (test-only, never served).
AXE := node_modules/axe-core/axe.min.js
$(AXE): package.json
	@if command -v npm >/dev/null 2>&1; then npm install --no-audit --no-fund --silent; \
	else echo "npm not found: the accessibility scans need node_modules/axe-core (npm install)"; fi

install: $(VENV)/.installed translations $(AXE)

# Message catalogues (README "Languages"): compile the .po files into the .mo files the app
# reads (git-ignored, so every install compiles them) ...
translations: $(VENV)/.installed
	@$(BIN)/pybabel compile -d app/translations >/dev/null

# ... and after changing strings in the code: extract them into messages.pot and merge them
# into each language's .po (settings in pyproject.toml [tool.babel.*]); then translate.
translations-update: $(VENV)/.installed
	$(BIN)/pybabel extract
	$(BIN)/pybabel update
	@echo "Now translate the new or changed messages (empty msgstr) in app/translations/*/LC_MESSAGES/messages.po, then: make translations"

run: install
	$(FLASK) db upgrade
	$(FLASK) demo load
	@echo "Serving the site at http://127.0.0.1:$(PORT) (Ctrl-C stops it; mail is written to instance/mail/)"
	@export SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)}; \
	$(FLASK) mail worker --quiet & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

test: install
	$(BIN)/pytest

# The whole suite against PostgreSQL (CI runs this too).
test-postgres: install
	TEST_DATABASE_URL=$${TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/test} $(BIN)/pytest

# The page cache and rate-limit tests with Redis as their storage, as in production (CI too).
REDIS_TESTS := tests/perf tests/test_prayed.py tests/accounts/test_throttle.py \
	tests/email/test_subscribing.py tests/comments/test_antispam.py tests/bible_requests/test_defectors.py
test-redis: install
	TEST_CACHE_REDIS_URL=$${TEST_CACHE_REDIS_URL:-redis://127.0.0.1:6379/10} $(BIN)/pytest -q $(REDIS_TESTS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit -q -c pyproject.toml -r app -ll

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Pages under load (README "Performance"): SQLite and PostgreSQL x in-process and Redis cache.
bench: install
	@command -v wrk >/dev/null 2>&1 || { echo "wrk is missing: apt-get install -y wrk"; exit 1; }
	$(BIN)/python -m bench

# Email: enqueue one update for 10,000 subscribers, deliver it with 1, 2 and 4 workers.
bench-mail: install
	$(BIN)/python -m bench.mail_bench

# Security: the attack suite (also part of `make test`), and the load and fault test on a
# throwaway PostgreSQL with gunicorn (README "Security" / "Load and fault test").
test-security: install
	$(BIN)/pytest -q tests/security

loadtest: install
	$(BIN)/python -m bench.loadtest

loadtest-short: install
	$(BIN)/python -m bench.loadtest --short

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
