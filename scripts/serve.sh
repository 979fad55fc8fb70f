#!/usr/bin/env bash
# Runs the action server and `rasa run` (REST and socket.io) until interrupted.
# The HTTP API is enabled only with TANDEM_API_TOKEN (a shared token) or TANDEM_JWT_SECRET
# (JWTs signed with it, TANDEM_JWT_METHOD, default HS256) set, and then always requires it.
# Both servers listen on TANDEM_INTERFACE: 127.0.0.1 (this machine only) unless set; the
# container image and deploy/ set 0.0.0.0.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
ACTION_PORT="${ACTION_PORT:-5055}"
RASA_PORT="${RASA_PORT:-5005}"
INTERFACE="${TANDEM_INTERFACE:-127.0.0.1}"
case "$INTERFACE" in 0.0.0.0|127.0.0.1) local_host=127.0.0.1 ;; *) local_host="$INTERFACE" ;; esac
LOG_DIR="${TANDEM_LOG_DIR:-var}"
mkdir -p var "$LOG_DIR"
export TANDEM_ACTION_URL="${TANDEM_ACTION_URL:-http://$local_host:$ACTION_PORT/webhook}"
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
export RASA_TELEMETRY_ENABLED="${RASA_TELEMETRY_ENABLED:-false}"

# rasa_sdk has no --interface option; it binds SANIC_HOST.
SANIC_HOST="$INTERFACE" "$BIN/rasa" run actions --actions actions --port "$ACTION_PORT" \
  > "$LOG_DIR/actions.log" 2>&1 &
actions_pid=$!
trap 'kill "$actions_pid" 2>/dev/null || true' EXIT
"$BIN/python" scripts/wait_for_port.py "$ACTION_PORT" 120 "$local_host"

# TANDEM_CORS_ORIGINS: space-separated origins allowed to call rasa from a browser.
read -ra cors_origins <<< "${TANDEM_CORS_ORIGINS:-http://localhost:8080 http://127.0.0.1:8080}"
api_args=()
if [ -n "${TANDEM_API_TOKEN:-}" ]; then
  api_args=(--enable-api --auth-token "$TANDEM_API_TOKEN")
elif [ -n "${TANDEM_JWT_SECRET:-}" ]; then
  api_args=(--enable-api --jwt-secret "$TANDEM_JWT_SECRET" --jwt-method "${TANDEM_JWT_METHOD:-HS256}")
else
  echo "HTTP API closed: set TANDEM_API_TOKEN or TANDEM_JWT_SECRET to open it." >&2
fi
"$BIN/rasa" run --model models/tandem.tar.gz --endpoints endpoints.yml \
  --credentials credentials.yml --interface "$INTERFACE" --port "$RASA_PORT" \
  --cors "${cors_origins[@]}" "${api_args[@]}"
