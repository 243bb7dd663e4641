# Two commands do all set-up: `make demo` and `make test`.
PORT ?= 8000
VENV := .venv
# RAAK needs Python 3.12+ (Django 6). Take the first one found.
PYTHON ?= $(shell for p in python3.13 python3.12 $(HOME)/.pyenv/versions/3.13*/bin/python3 \
	$(HOME)/.pyenv/versions/3.12*/bin/python3 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' \
	2>/dev/null && { echo $$p; break; }; done)

.PHONY: demo test lint format bench clean messages serve vendor

$(VENV)/.installed: pyproject.toml
	@test -n "$(PYTHON)" || { echo "RAAK needs Python 3.12 or newer; set PYTHON=/path/to/python3.12"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e '.[test]'
	touch $@

# The demo needs no environment variables: the development SECRET_KEY is accepted by the
# development server (raak/devserver.py), mail goes to files in var/mail, background tasks
# run inside the request (so no static copy of the published pages: STATIC_PAGES=0), and
# links in messages point at this port.
demo: $(VENV)/.installed
	@EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend TASKS_BACKEND=immediate STATIC_PAGES=0 \
		SITE_URL=http://127.0.0.1:$(PORT) $(VENV)/bin/raak demo --port $(PORT)

test: $(VENV)/.installed
	$(VENV)/bin/ruff check raak tests bench
	$(VENV)/bin/ruff format --check raak tests bench
	$(VENV)/bin/raak makemigrations --check --dry-run -v0
	$(VENV)/bin/pytest

format: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix raak tests bench
	$(VENV)/bin/ruff format raak tests bench

# Every bench on SQLite and PostgreSQL (BENCH_DATABASE_URL, default the local server's
# raak_bench database); fails when PostgreSQL is unreachable or a goal is missed.
bench: $(VENV)/.installed
	$(VENV)/bin/python bench/all.py

# Production server (gunicorn, gthread); needs SECRET_KEY etc., see docs/deployment.md.
serve: $(VENV)/.installed
	$(VENV)/bin/raak migrate --no-input -v0
	$(VENV)/bin/raak serve --port $(PORT)

clean:
	rm -rf $(VENV) var test-artifacts

messages: $(VENV)/.installed
	cd raak && ../$(VENV)/bin/django-admin makemessages -l en --no-location -i "data/*" && ../$(VENV)/bin/django-admin compilemessages

# NL Design System components (EUPL-1.2), vendored: `npm pack` of the pinned version,
# dist/index.css and the licence copied into raak/static/utrecht/, the version and
# checksum recorded in VENDORED.md (tests/test_vendored.py checks both). Nothing is
# fetched at run time.
UTRECHT_CSS_VERSION := 9.0.4
UTRECHT_DIR := raak/static/utrecht
vendor:
	rm -rf var/vendor && mkdir -p var/vendor $(UTRECHT_DIR)
	cd var/vendor && npm pack --silent @utrecht/component-library-css@$(UTRECHT_CSS_VERSION) >/dev/null \
		&& tar xzf utrecht-component-library-css-$(UTRECHT_CSS_VERSION).tgz
	cp var/vendor/package/dist/index.css $(UTRECHT_DIR)/index.css
	cp var/vendor/package/LICENSE.md $(UTRECHT_DIR)/LICENSE.md
	{ echo "# Vendored files"; echo; \
	  echo "Re-made by \`make vendor\`; never edited by hand."; echo; \
	  echo "| file | package | version | licence | sha256 |"; echo "|---|---|---|---|---|"; \
	  for f in index.css LICENSE.md; do echo "| $$f | @utrecht/component-library-css | $(UTRECHT_CSS_VERSION) | EUPL-1.2 | $$(sha256sum $(UTRECHT_DIR)/$$f | cut -d' ' -f1) |"; done; \
	  echo; echo "Source: https://www.npmjs.com/package/@utrecht/component-library-css/v/$(UTRECHT_CSS_VERSION) (dist/index.css)."; \
	} > $(UTRECHT_DIR)/VENDORED.md
	rm -rf var/vendor
