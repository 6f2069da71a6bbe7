#!/usr/bin/env bash
# Pre-release only: rebuild the single initial migration from the models (nothing deployed yet).
set -euo pipefail
cd "$(dirname "$0")/.."
rm -f api/migrations/versions/*.py
tmp=$(mktemp -d)
DATABASE_URL="sqlite:///$tmp/gen.db" .venv-api/bin/alembic revision --autogenerate -m "initial schema" >/dev/null
rm -rf "$tmp"
ls api/migrations/versions/
