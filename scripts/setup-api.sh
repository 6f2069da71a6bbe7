#!/usr/bin/env bash
# Creates/refreshes the backend venv (.venv-api). Idempotent: reinstalls only when requirements change.
set -euo pipefail
cd "$(dirname "$0")/.."
# A pyenv shim may exist without 3.11 being selected, so check the interpreter really runs.
PY=${PYTHON_API:-python3.11}
if ! "$PY" -c 'import sys; assert sys.version_info[:2] == (3, 11)' 2>/dev/null && command -v pyenv >/dev/null; then
  PY=$(pyenv root)/versions/$(pyenv versions --bare | grep '^3\.11' | tail -1)/bin/python
fi
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
