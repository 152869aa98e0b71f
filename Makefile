# Two commands for a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test install system-deps bench model docs wordpress-plugin clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,postgres]'
	touch $(STAMP)

install: $(STAMP)

# Debian packages the tests need, installed only when missing: chromium for the
# browser tests, PostgreSQL's server for the tests on PostgreSQL (tests/postgres.py
# starts a throw-away cluster of its own; the package's default one is not used),
# WordPress and its German pages with PHP and MariaDB for the plugin's tests
# (tests/wordpress/site.py runs its own MariaDB on a temporary socket and `php -S`;
# no system service is used),
# nginx for the test of docs/nginx.md's cache (run with a configuration of its own).
system-deps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	test -f /usr/share/wordpress/wp-login.php || missing="$$missing wordpress"; \
	test -f /usr/share/wordpress/wp-content/languages/de_DE.mo || missing="$$missing wordpress-l10n"; \
	command -v php >/dev/null 2>&1 || missing="$$missing php-cli"; \
	php -m 2>/dev/null | grep -qx mysqli || missing="$$missing php-mysql"; \
	command -v mariadbd >/dev/null 2>&1 || missing="$$missing mariadb-server"; \
	command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx || missing="$$missing nginx-light"; \
	if [ -n "$$missing" ]; then \
		echo "installing Debian's$$missing for the tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

demo: install
	$(BIN)/kiebitz demo

# pytest exits 5 when it collected no test; make fails on any non-zero exit.
test: install system-deps
	$(BIN)/python -m pytest -q -p no:cacheprovider

model: install
	$(BIN)/kiebitz spam build-default --data-dir ../shared/data

bench: install system-deps
	@command -v wrk >/dev/null 2>&1 && command -v nginx >/dev/null 2>&1 && command -v bogofilter >/dev/null 2>&1 || { \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk nginx-light bogofilter >/dev/null; }
	$(BIN)/python bench/spam_peers.py
	$(BIN)/python bench/spam_generalisation.py
	$(BIN)/python bench/spam_lists.py
	$(BIN)/python bench/akismet_poisoning.py
	$(BIN)/python bench/akismet_repeats.py
	$(BIN)/python bench/near_repeats.py
	$(BIN)/python bench/link_flood.py
	$(BIN)/python bench/said_before.py
	$(BIN)/python bench/http_thread.py
	$(BIN)/python bench/post_cpu.py --data-dir ../shared/data
	$(BIN)/python bench/post_postgres.py
	$(BIN)/python bench/export_import.py
	$(BIN)/python bench/import_wordpress.py

# The documentation site on http://127.0.0.1:8000/ (mkdocs.yml), rebuilt on every change of a page.
docs: install
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs serve

# The zip WordPress's Plugins → Add New → Upload Plugin takes (docs/wordpress.md).
wordpress-plugin: install
	$(BIN)/python integrations/wordpress/build.py dist/kiebitz-wordpress.zip

clean:
	rm -rf dist $(VENV) *.egg-info kiebitz-demo.db*
