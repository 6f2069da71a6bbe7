#!/usr/bin/env bash
# Installs the web widget's one dependency (socket.io client, pinned in web/package-lock.json) and
# copies its browser build next to widget.js. Idempotent: `npm ci` only when the lock file changed.
set -euo pipefail
cd "$(dirname "$0")/../web"
stamp=node_modules/.lock.sha
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ] || [ ! -d node_modules/socket.io-client ]; then
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
fi
mkdir -p widget/vendor
src=node_modules/socket.io-client/dist/socket.io.min.js
cmp -s "$src" widget/vendor/socket.io.min.js || cp "$src" widget/vendor/socket.io.min.js
