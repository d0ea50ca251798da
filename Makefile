# The two commands: `make run` and `make test`. Everything else here serves them.
PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip --disable-pip-version-check -q
HOST   ?= 127.0.0.1
PORT   ?= 8000
# Everything the demo wires (the shop's webhooks, Specter's callbacks and address, e-mail links)
# points here; give PUBLIC_URL for a public address (a tunnel, a proxy) in front of HOST:PORT.
PUBLIC_URL ?= http://$(HOST):$(PORT)
export PUBLIC_BASE_URL := $(PUBLIC_URL)

# The lock tool (PyPI's uv, into this venv) and how the locks are made: for Python 3.11, every
# platform, every file's hash. `make lock` after changing a dependency in pyproject.toml keeps the
# other pins; `make lock LOCK_ARGS=--upgrade` takes the newest versions the bounds allow.
UV_VERSION ?= 0.13.9
LOCK       := $(VENV)/bin/uv pip compile --quiet --universal --python-version 3.11 --generate-hashes $(LOCK_ARGS)

.PHONY: run test lint install install-test lock migrate seed serve messages check-python clean

run: install .env migrate seed serve ## install, migrate, seed the demo, serve web + worker

test: install-test lint ## lint, then the whole suite (browser tests skip without /usr/bin/chromium unless CI=true)
	$(PY) -m pytest $(PYTEST_ARGS)

# The format, the lint rules and the one-way imports between the apps (pyproject.toml: [tool.ruff],
# [tool.importlinter]). First in `make test`: it takes seconds, the suite takes many minutes. Every
# check runs even when an earlier one fails, so one run shows all that is wrong; any failure fails.
# `ruff format .` and `ruff check --fix .` repair most of what the first two report.
lint: install-test
	@status=0; \
	$(VENV)/bin/ruff format --check --output-format concise . || status=1; \
	$(VENV)/bin/ruff check --output-format concise . || status=1; \
	$(VENV)/bin/lint-imports --no-cache || status=1; \
	exit $$status

check-python:
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found: install Python 3.11 or pass PYTHON=/path/to/python3.11"; exit 1; }

$(VENV)/bin/python: | check-python
	$(PYTHON) -m venv $(VENV)

# Installs come from the locks only (every file checked against its hash), then the project itself
# with no dependencies of its own and the locked setuptools. Stamps re-run them when a lock changes.
$(VENV)/.installed: requirements/main.txt pyproject.toml | $(VENV)/bin/python
	$(PIP) install --require-hashes -r requirements/main.txt
	$(PIP) install --no-deps --no-build-isolation -e .
	@touch $@

$(VENV)/.installed-test: requirements/test.txt $(VENV)/.installed
	$(PIP) install --require-hashes -r requirements/test.txt
	@touch $@

# Re-resolve requirements/*.txt from pyproject.toml: test.txt (everything) first, then main.txt
# held to the same pins. Commit both.
lock: | $(VENV)/bin/python
	$(PIP) install "uv==$(UV_VERSION)"
	$(LOCK) pyproject.toml requirements/build.in --extra test -o requirements/test.txt
	$(LOCK) pyproject.toml requirements/build.in -c requirements/test.txt -o requirements/main.txt

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

# A local .env with freshly generated keys, made once and kept, so re-running keeps data readable.
.env: | $(VENV)/.installed
	$(PY) -m integrator.envfile > .env
	@echo "Wrote .env with new local keys."

migrate: install .env
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

serve: install .env
	$(PY) manage.py serve --host $(HOST) --port $(PORT)

# Developers only: needs gettext's msgfmt. The compiled .mo files are committed so runtime needs none.
messages: install
	$(PY) manage.py makemessages -l sv --ignore '.venv/*' --ignore 'tests/*'
	$(PY) manage.py compilemessages -l sv --ignore '.venv/*'

clean:
	rm -rf $(VENV) var staticfiles
