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

.PHONY: run test install install-test migrate seed serve messages check-python clean

run: install .env migrate seed serve ## install, migrate, seed the demo, serve web + worker

test: install-test ## run the whole suite (browser tests skip without /usr/bin/chromium unless CI=true)
	$(PY) -m pytest $(PYTEST_ARGS)

check-python:
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found: install Python 3.11 or pass PYTHON=/path/to/python3.11"; exit 1; }

$(VENV)/bin/python: | check-python
	$(PYTHON) -m venv $(VENV)

# Stamps re-run the install only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(PIP) install -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PIP) install -e '.[test]'
	@touch $@

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
