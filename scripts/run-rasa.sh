#!/usr/bin/env bash
# Starts the Rasa server: HTTP API protected by RASA_AUTH_TOKEN (generated into var/ if unset), REST channel on.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${RASA_AUTH_TOKEN:-}" ]; then
  mkdir -p var
  [ -s var/rasa_token ] || (umask 077; head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > var/rasa_token)
  RASA_AUTH_TOKEN=$(cat var/rasa_token)
fi
exec .venv-bot/bin/rasa run --enable-api --auth-token "$RASA_AUTH_TOKEN" --cors "*" \
  --model "${RASA_MODEL:-models}" --endpoints "${RASA_ENDPOINTS:-endpoints.yml}" --credentials credentials.yml \
  --port "${RASA_PORT:-5005}" --interface 127.0.0.1 "$@"
