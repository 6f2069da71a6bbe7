#!/usr/bin/env bash
# K-fold cross-validation of the Rasa NLU pipeline (config.yml, unchanged) vs a jieba/TF-IDF/CRF baseline.
# Usage: bench/nlu_crossval.sh [folds=5] [more nlu_crossval.py flags, e.g. --epochs 1 --out /tmp/x.json]
# Writes results/bench/nlu_crossval.json; see bench/README.md. ~30 min for 5 folds on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
export PYTHONWARNINGS="${PYTHONWARNINGS:-ignore::DeprecationWarning}"   # import-time noise from Rasa's deps
folds=${1:-5}
shift || true
exec .venv-bot/bin/python bench/nlu_crossval.py --folds "$folds" "$@"
