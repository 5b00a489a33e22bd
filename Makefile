# The two commands: `make run` and `make test`. Both set up everything they need.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DEV_ENV := GELIAT_DEBUG=1
DEMO_PEOPLE ?= 300
PG_URL ?= postgres://postgres@127.0.0.1:5432/geliat

.PHONY: install run test test-pg bench lint messages worker clean

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c requirements.lock -e '.[dev,bench]'
	touch $(STAMP)

install: $(STAMP)

run: install
	mkdir -p var
	$(DEV_ENV) $(BIN)/geliat migrate --noinput
	$(DEV_ENV) $(BIN)/geliat wilayah load
	$(DEV_ENV) $(BIN)/geliat programmes_seed
	$(DEV_ENV) $(BIN)/geliat matrix_seed
	$(DEV_ENV) $(BIN)/geliat demo --people $(DEMO_PEOPLE) --if-empty
	$(DEV_ENV) $(BIN)/geliat coordination_refresh
	$(DEV_ENV) $(BIN)/geliat demo_logins
	$(DEV_ENV) scripts/serve $(BIN)

test: install
	scripts/ensure-browser
	$(BIN)/pytest

test-pg: install
	DATABASE_URL=$(PG_URL) $(BIN)/pytest

bench: install
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get install -y -qq wrk >/dev/null; } || echo "wrk missing: apt-get install wrk"
	$(BIN)/python -m bench

lint: install
	$(BIN)/ruff check .

# The project's makemessages also extracts _lazy("…") labels; then translate geliat/locale/en.
messages: install
	cd geliat && $(DEV_ENV) ../$(BIN)/python ../manage.py makemessages -l en --no-obsolete -i "migrations/*" && ../$(BIN)/django-admin compilemessages

clean:
	rm -rf $(VENV) var staticfiles
