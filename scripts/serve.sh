#!/usr/bin/env bash
# Runs the action server and `rasa run` (REST and socket.io) until interrupted.
# The HTTP API is enabled only with TANDEM_API_TOKEN set, and then always with that token.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
ACTION_PORT="${ACTION_PORT:-5055}"
RASA_PORT="${RASA_PORT:-5005}"
mkdir -p var
export TANDEM_ACTION_URL="${TANDEM_ACTION_URL:-http://localhost:$ACTION_PORT/webhook}"
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"

"$BIN/rasa" run actions --actions actions --port "$ACTION_PORT" > var/actions.log 2>&1 &
actions_pid=$!
trap 'kill "$actions_pid" 2>/dev/null || true' EXIT
"$BIN/python" scripts/wait_for_port.py "$ACTION_PORT" 120

# TANDEM_CORS_ORIGINS: space-separated origins allowed to call rasa from a browser.
read -ra cors_origins <<< "${TANDEM_CORS_ORIGINS:-http://localhost:8080 http://127.0.0.1:8080}"
api_args=()
if [ -n "${TANDEM_API_TOKEN:-}" ]; then
  api_args=(--enable-api --auth-token "$TANDEM_API_TOKEN")
fi
"$BIN/rasa" run --model models/tandem.tar.gz --endpoints endpoints.yml \
  --credentials credentials.yml --port "$RASA_PORT" \
  --cors "${cors_origins[@]}" "${api_args[@]}"
