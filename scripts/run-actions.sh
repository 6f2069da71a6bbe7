#!/usr/bin/env bash
# Starts the Rasa SDK action server (it talks to the backend at API_URL as the 'bot' service identity).
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
exec .venv-bot/bin/rasa run actions --actions actions --port "${ACTIONS_PORT:-5055}" "$@"
