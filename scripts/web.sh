#!/usr/bin/env bash
# `make web`: serves the widget demo page on localhost, starting the bot first if it is not
# already answering on RASA_PORT. Ctrl-C stops what this script started.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
RASA_PORT="${RASA_PORT:-5005}"
WEB_PORT="${WEB_PORT:-8080}"
mkdir -p var

bot_pid=""
if "$BIN/python" scripts/wait_for_port.py "$RASA_PORT" 1 >/dev/null 2>&1; then
  echo "web: using the bot already running on port $RASA_PORT"
else
  echo "web: starting the bot (logs in var/serve.log); it takes about 30 s to load"
  TANDEM_CORS_ORIGINS="${TANDEM_CORS_ORIGINS:-http://localhost:$WEB_PORT http://127.0.0.1:$WEB_PORT}" \
    bash scripts/serve.sh > var/serve.log 2>&1 &
  bot_pid=$!
fi
trap '[ -n "$bot_pid" ] && kill "$bot_pid" 2>/dev/null; true' EXIT
"$BIN/python" scripts/wait_for_port.py "$RASA_PORT" 300
echo "web: open http://localhost:$WEB_PORT/?server=http://localhost:$RASA_PORT"
"$BIN/python" scripts/serve_web.py "$WEB_PORT"
