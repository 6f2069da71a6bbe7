#!/usr/bin/env bash
# Starts the Rasa server: HTTP API protected by RASA_AUTH_TOKEN (generated into var/ if unset), REST channel on.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${RASA_AUTH_TOKEN:-}" ]; then
  mkdir -p var
  [ -s var/rasa_token ] || (umask 077; head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > var/rasa_token)
  RASA_AUTH_TOKEN=$(cat var/rasa_token)
fi
# WeChat channel (credentials.yml): Rasa refuses an unset ${VAR}, so each gets a default. The token
# (WeChat: 3-32 letters/digits) is generated once like the API token; without AppID/secret only
# passive replies work. The e2e tests point WECHAT_API_BASE at tests/fakes/wechat.py.
if [ -z "${WECHAT_TOKEN:-}" ]; then
  mkdir -p var
  [ -s var/wechat_token ] || (umask 077; head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n' > var/wechat_token)
  WECHAT_TOKEN=$(cat var/wechat_token)
fi
: "${WECHAT_APP_ID:=}" "${WECHAT_APP_SECRET:=}" "${WECHAT_ENCODING_AES_KEY:=}"
: "${WECHAT_API_BASE:=https://api.weixin.qq.com}" "${WECHAT_REPLY_TIMEOUT:=4.0}"
export WECHAT_TOKEN WECHAT_APP_ID WECHAT_APP_SECRET WECHAT_ENCODING_AES_KEY WECHAT_API_BASE WECHAT_REPLY_TIMEOUT
exec .venv-bot/bin/rasa run --enable-api --auth-token "$RASA_AUTH_TOKEN" --cors "*" \
  --model "${RASA_MODEL:-models}" --endpoints "${RASA_ENDPOINTS:-endpoints.yml}" --credentials credentials.yml \
  --port "${RASA_PORT:-5005}" --interface 127.0.0.1 "$@"
