# The two commands: `make run` (app on SQLite with demo data) and `make test` (whole suite).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-pg install serve worker bench screenshots messages clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed (set PYTHON=/path/to/python3.11)"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

## make run: install, migrate the SQLite default, load the demo, start the task worker and the server.
## (run_worker: django-tasks-db's worker that reconnects after a database restart instead of exiting.)
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	@echo ""
	@echo "  Coalition is running at http://$(HOST):$(PORT)/"
	@echo "  Coordinator workspace: http://$(HOST):$(PORT)/manage/   login: coordinator / coalition-demo"
	@echo "  Admin:                 http://$(HOST):$(PORT)/admin/    login: admin / coalition-admin"
	@echo "  Emails are printed in this terminal (console backend). Stop with Ctrl-C."
	@echo ""
	@# Email links point where this server listens (a custom PORT too), unless SITE_URL says otherwise.
	@trap 'kill 0' INT TERM EXIT; export SITE_URL="$${SITE_URL:-http://$(HOST):$(PORT)}"; \
	$(BIN)/python manage.py run_worker --no-reload --interval 1 & \
	$(BIN)/python manage.py run_scheduler & \
	$(BIN)/python manage.py runserver $(HOST):$(PORT) --noreload

## make test: install and run the whole suite (SQLite unless DATABASE_URL is set; .ci/run sets PostgreSQL).
## Two pytest-xdist workers (each with its own test database): about half the time on a 2-CPU machine. Tests marked
## `serial` (they start servers and hold them to wall-clock limits, such as "public within 1 s") then run alone, so
## that the other worker's load cannot make them late. Both parts always run; exit status 5 (nothing selected, when
## PYTEST_ARGS picks tests of one kind only) counts as success. TEST_WORKERS=0: everything in one process.
TEST_WORKERS ?= 2
test: install
	@sh scripts/ensure-system-deps
ifeq ($(TEST_WORKERS),0)
	$(BIN)/python -m pytest $(PYTEST_ARGS)
else
	@$(BIN)/python -m pytest -n $(TEST_WORKERS) -m "not serial" $(PYTEST_ARGS); parallel=$$?; \
	$(BIN)/python -m pytest -p no:xdist -m serial $(PYTEST_ARGS); serial=$$?; \
	[ $$parallel -eq 5 ] && parallel=0; [ $$serial -eq 5 ] && serial=0; \
	exit $$(( parallel || serial ))
endif

test-pg:
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/test $(MAKE) test

## make bench: print the performance figures (each script builds and drops its own data; PostgreSQL on 127.0.0.1).
bench: install
	$(BIN)/python bench/bench_public.py
	$(BIN)/python bench/bench_workspace.py --postgres
	$(BIN)/python bench/bench_exports.py
	$(BIN)/python bench/bench_lists.py --postgres
	$(BIN)/python bench/bench_scale.py
	$(BIN)/python bench/bench_collation.py
	$(BIN)/python bench/bench_api.py

messages: install
	$(BIN)/python manage.py makemessages -l fr -l es -l ar -l ru -l zh_Hans --no-obsolete --no-location --no-wrap --ignore=.venv --ignore=bench --ignore=tests --ignore=staticfiles
	$(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) staticfiles screenshots
