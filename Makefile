# 保险智能客服 — one entry point for humans and CI. `make help` lists the targets.
SHELL := /bin/bash
API_PY := .venv-api/bin/python

.PHONY: help setup run test test-api lint bench
help:            ## list targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

setup:           ## create/refresh the virtualenvs (idempotent)
	./scripts/setup-api.sh

run: setup       ## run the whole product on embedded defaults (SQLite, demo data)
	$(API_PY) -m api.cli prepare
	.venv-api/bin/honcho start -f Procfile

test: setup      ## run the whole test suite (SQLite + the local PostgreSQL)
	$(API_PY) -m pytest -q

lint:            ## ruff
	.venv-api/bin/ruff check api tests

bench: setup     ## latency benchmarks (see bench/README.md)
	./bench/run.sh
