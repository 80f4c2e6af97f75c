# The commands in the README. Everything a fresh machine needs is installed from here.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test deps venv models services lint bench-ivr bench-asr bench-pipeline bench-faults \
	clean

## make run: the whole product on this machine (SQLite, embedded worker, no servers).
run: venv models
	$(PY) -m hotline db upgrade
	$(PY) -m hotline seed-demo
	$(PY) -m hotline run

## make test: the whole suite (SQLite and PostgreSQL, Redis, real speech models, Chromium).
test: deps venv models services
	$(PY) -m ruff check .
	$(PY) -m mypy
	$(PY) -m pytest

venv: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $(STAMP)

## System packages the tests and the product use: espeak-ng (test audio), ffmpeg/sox
## (audio conversion), chromium + chromedriver (console browser test), wrk (benchmark).
deps:
	@bash scripts/install-system-deps.sh

models: venv
	$(PY) -m hotline models install whisper-base

services:
	@bash scripts/ensure-services.sh

lint: venv
	$(PY) -m ruff check .
	$(PY) -m mypy

bench-ivr: venv
	$(PY) -m benchmarks.ivr

bench-asr: venv models
	$(PY) benchmarks/asr.py --set ../shared/data/asr-id-dev --phone --join 30

bench-pipeline: venv models services
	$(PY) benchmarks/pipeline.py

## Faults (speech worker killed, broker down, database connections cut, hang-up order)
## against gunicorn + Celery + beat + its own redis-server + PostgreSQL.
## FAULTS_ARGS="--speech-engine none" makes it quick.
FAULTS_ARGS ?=
bench-faults: venv models services
	$(PY) benchmarks/faults.py $(FAULTS_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .mypy_cache
