# The two commands a newcomer needs: `make demo` and `make test`. Everything else is a step of those.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Settings for tools that import the Django settings but are not the platform itself.
TOOL_ENV := CLEANNET_DEBUG=1 CLEANNET_VAR_DIR=$(CURDIR)/var

.PHONY: demo test test-db test-spark check install messages lock clean help

help:
	@echo "make demo   - install, migrate, load the demo world and serve on http://127.0.0.1:8000"
	@echo "make test   - install and run the whole test suite (SQLite)"
	@echo "make check  - format, lint, types and import contracts"

$(STAMP): pyproject.toml requirements/constraints.txt
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) is required (apt-get install python3.11 python3.11-venv)"; exit 1; }
	scripts/system-deps
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -c requirements/constraints.txt -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/cleannet demo

test: $(STAMP)
	$(BIN)/pytest -n 2 --dist loadgroup -q

# The database tests only, for a second run on PostgreSQL (DATABASE_URL=postgresql://…).
test-db: $(STAMP)
	$(BIN)/pytest -n 2 --dist loadgroup -q -m db

# Every matching conformance case on Spark too (`make test` runs the first of each file).
test-spark: $(STAMP)
	$(BIN)/pytest -q --spark-full -k spark tests/engines/matching

check: $(STAMP)
	$(BIN)/ruff format --check src tests bench
	$(BIN)/ruff check src tests bench
	$(TOOL_ENV) $(BIN)/mypy src
	$(TOOL_ENV) $(BIN)/lint-imports

# Extract and compile the Vietnamese and English messages (needs GNU gettext).
messages: $(STAMP)
	cd src/cleannet/server && $(TOOL_ENV) ../../../$(BIN)/django-admin makemessages -l vi -l en --no-obsolete --no-location
	cd src/cleannet/server && $(TOOL_ENV) ../../../$(BIN)/django-admin compilemessages

# Re-pin the exact versions a fresh machine installs.
lock: $(STAMP)
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^-e ' > requirements/constraints.txt

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
