# The commands in the README. Everything a fresh machine needs is installed from here.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test test-quick test-speech-isa test-hostile-nightly deps venv models services lint \
	bench-ivr bench-asr bench-pipeline bench-faults bench-dashboard bench-analytics events-model \
	clean

## make run: the whole product on this machine (SQLite, embedded worker, no servers).
run: venv models
	$(PY) -m hotline db upgrade
	$(PY) -m hotline seed-demo
	$(PY) -m hotline run

## pytest on every core (pytest-xdist; PYTEST_WORKERS=0 runs in this process): each worker
## has its own databases, Redis database, ports and folders. docs/testing.md has the tiers.
PYTEST_WORKERS ?= auto
PYTEST := $(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadgroup
QUICK_MARKERS := not slow and not model and not postgres and not redis

## make test: the whole suite (SQLite and PostgreSQL, Redis, real speech models, Chromium),
## then the Whisper-output tests once more per CPU instruction set (test-speech-isa).
test: deps venv models services
	$(PY) -m ruff check .
	$(PY) -m mypy
	$(PYTEST)
	$(speech-isa-passes)

## make test-quick: the edit-test loop, under 2 minutes: SQLite only, no speech model, no
## browser, no PostgreSQL or Redis (markers: not slow/model/postgres/redis).
test-quick: venv
	$(PYTEST) -m "$(QUICK_MARKERS)"

## make test-speech-isa: the tests that assert on what Whisper heard (marker `model`), once
## per CTranslate2 instruction set this CPU has (CT2_FORCE_CPU_ISA), so a result that only
## holds on one CPU fails here rather than on someone else's machine: GENERIC always, AVX2
## and AVX512 when /proc/cpuinfo lists avx2 / avx512f. Left alone CTranslate2 picks AVX2
## with the int8 GEMM backend of this CPU (Intel MKL on Intel, oneDNN elsewhere), which the
## main pytest run covers, so the AVX2 pass uses the other backend (CT2_USE_MKL): on an
## Intel machine it computes as an AMD one would. Every pass runs even if one fails; the
## target fails if any did. See docs/speech.md.
test-speech-isa: venv models services
	$(speech-isa-passes)

# tests/media/test_pipeline.py's complaint is decoded per ISA in-process, by
# tests/speech/test_whisper.py, with the worker's engine: no worker, Redis or PostgreSQL.
SPEECH_ISA_TESTS := tests/speech
comma := ,
has_cpu_flag = $(shell grep -qsw $(1) /proc/cpuinfo && echo y)
OTHER_GEMM := CT2_USE_MKL=$(if $(shell grep -qs GenuineIntel /proc/cpuinfo && echo y),0,1)
SPEECH_ISA_PASSES := CT2_FORCE_CPU_ISA=GENERIC \
	$(if $(call has_cpu_flag,avx2),CT2_FORCE_CPU_ISA=AVX2$(comma)$(OTHER_GEMM)) \
	$(if $(call has_cpu_flag,avx512f),CT2_FORCE_CPU_ISA=AVX512)

define speech-isa-passes
@failed=""; for pass in $(SPEECH_ISA_PASSES); do \
	  env="$${pass//,/ }"; echo "== test-speech-isa: $$env"; start=$$SECONDS; \
	  env $$env $(PY) -m pytest -m model $(SPEECH_ISA_TESTS) || failed="$$failed [$$env]"; \
	  echo "== test-speech-isa: $$env took $$((SECONDS - start)) s"; \
	done; \
	if [ -n "$$failed" ]; then echo "test-speech-isa failed under:$$failed" >&2; exit 1; fi
endef

## make test-hostile-nightly: the generated hostile-input properties (docs/security.md) with
## the large Hypothesis profile: fresh random cases each run, 30 times the quick tier's.
test-hostile-nightly: venv services
	HYPOTHESIS_PROFILE=nightly $(PY) -m pytest tests/hostile

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

## make bench-dashboard: 1,000,000 tickets in a PostgreSQL database of its own, the
## dashboard timed per preset (docs/dashboard.md). DASHBOARD_ARGS="--reseed" seeds again.
bench-dashboard: venv services
	PYTHONPATH=. $(PY) -m benchmarks.dashboard $(DASHBOARD_ARGS)

## Routing suggestion: top-1/top-2 accuracy on the labelled set, time per ticket.
bench-analytics: venv
	$(PY) -m benchmarks.text_analytics

## make events-model: rebuild analytics/events_model.json from analytics/events_corpus/dev.tsv
## (scikit-learn), then print its held-out figures.
events-model: venv
	$(PY) -m analytics.event_training build
	$(PY) -m analytics.event_training evaluate

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .mypy_cache
