#!/usr/bin/env bash
# 30-second local load on the backend (locust, headless): p50/p95 of claim lookup and complaint creation.
# Usage: bench/run.sh [sqlite|postgresql]   (default sqlite; uvicorn with 2 workers on this machine)
set -euo pipefail
cd "$(dirname "$0")/.."
kind=${1:-sqlite}
out=var/bench; mkdir -p "$out"; rm -f "$out"/load_*
export ENVIRONMENT=test SECRETS_FILE="$out/secrets.json"
if [ "$kind" = postgresql ]; then
  db=cs_bench_$$; psql -q -h 127.0.0.1 -U postgres -d test -c "CREATE DATABASE $db"
  export DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:5432/$db"
  trap 'kill $api 2>/dev/null; sleep 1; psql -q -h 127.0.0.1 -U postgres -d test -c "DROP DATABASE IF EXISTS $db WITH (FORCE)"' EXIT
else
  export DATABASE_URL="sqlite:///$PWD/$out/bench.db"; rm -f "$out"/bench.db*
  trap 'kill $api 2>/dev/null' EXIT
fi
.venv-api/bin/python -m api.cli prepare >/dev/null
export BOT_PASSWORD=$(.venv-api/bin/python -c "from api.core.config import get_settings; print(get_settings().bot_password)")
.venv-api/bin/uvicorn api.main:create_app --factory --port 8765 --workers 2 --log-level warning &
api=$!
for _ in $(seq 100); do curl -sf localhost:8765/healthz >/dev/null && break; sleep 0.2; done
.venv-api/bin/locust -f bench/locustfile.py --headless -u 20 -r 10 -t 30s --host http://127.0.0.1:8765 \
  --csv "$out/load" --only-summary >/dev/null 2>&1 || true
.venv-api/bin/python - "$out/load_stats.csv" "$kind" <<'PY'
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["Name"] in ("GET /claims/{number}/progress", "POST /complaints")]
print(f"backend={sys.argv[2]}  20 users, 30 s, locust 2.47, uvicorn --workers 2")
for r in rows:
    print(f'{r["Name"]:32} n={r["Request Count"]:>6} fail={r["Failure Count"]:>3} p50={r["50%"]} ms p95={r["95%"]} ms rps={float(r["Requests/s"]):.0f}')
PY
