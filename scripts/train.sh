#!/usr/bin/env bash
# Trains the model into models/ unless one for exactly this data/config/domain already exists.
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
# Only what shapes the model counts (channels, NLG and actions do not).
inputs=$(find data bot/components bot/dictionary bot/identifiers.py bot/homophones.py bot/names.py bot/timeparse.py bot/script.py bot/cantonese.py bot/pinyin.py bot/requests.py bot/questions.py -type f \
  \( -name '*.yml' -o -name '*.py' -o -name '*.txt' \) | sort)
want=$(cat config.yml domain.yml $inputs | sha256sum | cut -c1-16)
model=models/cs-bot-$want.tar.gz
if [ -f "$model" ]; then echo "model up to date: $model"; exit 0; fi
mkdir -p models
.venv-bot/bin/rasa train --config config.yml --domain domain.yml --data data --out models --fixed-model-name "cs-bot-$want"
ls -t models/cs-bot-*.tar.gz | tail -n +3 | xargs -r rm -f   # keep the two newest
