# Entry points; the work is done by the scripts in scripts/ (see README.md).
# Settings come from the environment: VENV, ODOO_SRC, PYTHON, PG* (see scripts/lib.sh).

.DEFAULT_GOAL := help
.PHONY: help bootstrap demo test lint

VENV ?= $(CURDIR)/.venv
export VENV

help:
	@echo "make demo       run Odoo with mirakl_connector and the Mirakl simulator on http://localhost:8069"
	@echo "make test       run all tests (pytest, then the Odoo tests in a fresh database)"
	@echo "make lint       run the pre-commit checks on all files"
	@echo "make bootstrap  create or refresh the virtualenv ($(VENV)) and check PostgreSQL"

bootstrap:
	scripts/bootstrap.sh

demo:
	scripts/demo.sh

test:
	scripts/test.sh

lint:
	scripts/bootstrap.sh --no-db-check
	$(VENV)/bin/pre-commit run --all-files --show-diff-on-failure
