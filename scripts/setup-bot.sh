#!/usr/bin/env bash
# Creates/refreshes the bot venv (.venv-bot, Python 3.10: Rasa 3.6 needs 3.8–3.10). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
# A pyenv shim may exist without 3.10 being selected, so check the interpreter really runs.
PY=${PYTHON_BOT:-python3.10}
if ! "$PY" -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null && command -v pyenv >/dev/null; then
  PY=$(pyenv root)/versions/$(pyenv versions --bare | grep '^3\.10' | tail -1)/bin/python
fi
VENV=.venv-bot
stamp="$VENV/.requirements.sha"
want=$(cat requirements/bot.txt | sha256sum | cut -d' ' -f1)
[ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  "$VENV/bin/pip" install -q --upgrade "pip<25" wheel
  "$VENV/bin/pip" install -q -r requirements/bot.txt
  echo "$want" > "$stamp"
fi
