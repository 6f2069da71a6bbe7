#!/usr/bin/env bash
# Debian's chromium for the browser tests (Playwright cannot download its own browser here).
set -euo pipefail
if [ -x /usr/bin/chromium ] && fc-list 2>/dev/null | grep -qi wqy; then exit 0; fi
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq || true   # a stale index still usually resolves chromium
$SUDO apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null   # a CJK font for screenshots
