#!/usr/bin/env bash
# Creates/refreshes the backend venv (.venv-api). Idempotent: reinstalls only when requirements change.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON_API:-$(command -v python3.11 || command -v python3)}
VENV=.venv-api
stamp="$VENV/.requirements.sha"
want=$(cat requirements/api.txt requirements/api-dev.txt | sha256sum | cut -d' ' -f1)
if [ ! -x "$VENV/bin/python" ]; then
  "$PY" -m venv "$VENV"
fi
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  "$VENV/bin/pip" install -q --upgrade pip
  "$VENV/bin/pip" install -q -r requirements/api-dev.txt
  echo "$want" > "$stamp"
fi
