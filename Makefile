# Buurtstem: `make run` serves the app, `make test` runs every check. Both work on a fresh machine.
# `make bench` prints benchmark figures (at most 35 min); `make bench BENCH_ARGS="--quick"` or "--only NAME".
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 0.0.0.0
PORT ?= 5000
AXE := .cache/axe/node_modules/axe-core/axe.min.js
FLASK := $(BIN)/flask --app app

.PHONY: run test install install-test translations translations-update migrate bench lint typecheck pytest audit

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test
	@if [ ! -f $(AXE) ] && command -v npm >/dev/null; then npm install --silent --no-audit --no-fund --prefix .cache/axe axe-core@4 >/dev/null; fi

translations: install
	$(BIN)/pybabel -q compile -d app/translations

# Extract new messages and merge them into the catalogues; then fill in the Dutch msgstr.
translations-update: install
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -o app/translations/messages.pot --no-location --sort-output .
	$(BIN)/pybabel -q update -i app/translations/messages.pot -d app/translations --no-fuzzy-matching --ignore-obsolete
	$(BIN)/python -m app.translations.fill_english

migrate: install
	$(FLASK) db upgrade

run: install translations migrate
	@$(FLASK) setup-link --if-needed
	HOST=$(HOST) PORT=$(PORT) $(BIN)/gunicorn --config gunicorn.conf.py "app:create_app()"

lint: install-test
	$(BIN)/ruff check app tests bench

typecheck: install-test
	$(BIN)/mypy app

pytest: install-test translations
	$(BIN)/pytest -n 2 -q
	@if [ -n "$$TEST_DATABASE_URL" ]; then echo "== again on PostgreSQL"; $(BIN)/pytest -n 2 -q -m "not browser" --ignore=tests/domain --postgres; fi

# bandit over app/ (reviewed skips in pyproject.toml and docs/security.md); pip-audit needs a vulnerability
# database that this workplace cannot reach, so it runs only with BUURTSTEM_PIP_AUDIT=1 (docs/security.md)
audit: install-test
	$(BIN)/bandit -q -c pyproject.toml -r app
	@if [ "$$BUURTSTEM_PIP_AUDIT" = "1" ]; then $(BIN)/pip-audit --skip-editable --progress-spinner off; \
	else echo "pip-audit skipped: set BUURTSTEM_PIP_AUDIT=1 where its database is reachable (docs/security.md)"; fi

test: lint typecheck audit pytest

bench: install-test
	$(BIN)/pip install --quiet -e '.[dev]'
	$(BIN)/python -m bench $(BENCH_ARGS)
