#!/usr/bin/env bash
# Starts the product on embedded defaults (like `make run`), waits for the Rasa server, measures
# REST reply latency (bench/chat_latency.py "$@"), then stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
make -s train
.venv-api/bin/python -m api.cli prepare
.venv-api/bin/honcho start -f Procfile > var/bench-stack.log 2>&1 &
stack=$!
trap 'kill -TERM $stack 2>/dev/null; wait $stack 2>/dev/null || true' EXIT
token=""
for _ in $(seq 300); do
  [ -s var/rasa_token ] && token=$(cat var/rasa_token)
  curl -sf "http://127.0.0.1:5005/status?token=$token" >/dev/null && curl -sf http://127.0.0.1:5055/health >/dev/null && break
  sleep 1
done
.venv-api/bin/python bench/chat_latency.py "$@"
