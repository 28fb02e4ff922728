# The two commands: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test bench lint format messages install shell clean

$(STAMP): pyproject.toml constraints.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c constraints.txt ".[dev]"
	@rm -rf build *.egg-info
	@touch $(STAMP)

install: $(STAMP)

## Everything up on http://127.0.0.1:8000: web, Celery worker and beat (embedded PostgreSQL/Redis unless URLs are set)
run: $(STAMP)
	$(PY) -m azmoodegan.launcher run

## The whole test suite, browser tests included (pytest arguments: make test ARGS="-k signup")
test: $(STAMP)
	$(PY) -m azmoodegan.launcher test $(ARGS)

## Throughput and latency of the main pages under gunicorn, written to .data/bench.json
bench: $(STAMP)
	$(PY) -m azmoodegan.launcher exec $(PY) -m bench.run $(ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## Refresh the message catalogues after changing user-visible strings
messages: $(STAMP)
	$(PY) -m azmoodegan.launcher exec $(PY) manage.py makemessages -l fa -l en --ignore=.venv --ignore=.data --ignore=static/vendor --no-obsolete

shell: $(STAMP)
	$(PY) -m azmoodegan.launcher exec $(PY) manage.py shell

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
