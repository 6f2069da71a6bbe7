#!/usr/bin/env bash
# `rasa data validate`, failing on its warnings as --fail-on-warnings does, with one exception: a response that
# no rule names but a custom action utters (its name quoted in actions/, "utter_x" or "utter_x/<key>") is used — Rasa's validator reads
# rules and stories only. The FAQ answers (utter_faq) and the honest out-of-scope reply are uttered by the routing
# actions, which read the message in the light of the conversation first (actions/routing.py).
set -uo pipefail
cd "$(dirname "$0")/.."
out=$(.venv-bot/bin/rasa data validate 2>&1)
status=$?
printf '%s\n' "$out" | grep -v -E 'DeprecationWarning|MovedIn20Warning|declarative_base|pkg_resources|^\s*$' | tail -n 5
[ "$status" -eq 0 ] || { printf '%s\n' "$out" | tail -n 30; exit "$status"; }
failed=0
# Rasa's validator warnings (not the load-time notice of the retrieval intent listed in domain.yml)
while IFS= read -r warning; do
  response=$(printf '%s' "$warning" | sed -n "s/.*The utterance '\(utter_[a-z_]*\)' is not used in any story or rule.*/\1/p")
  if [ -n "$response" ] && grep -rqE "[\"']${response}[/\"']" actions; then
    echo "ok: ${response} is uttered by a custom action"
    continue
  fi
  echo "validation warning: $warning" >&2
  failed=1
done < <(printf '%s\n' "$out" | grep -E 'UserWarning' | grep -v 'duplicated intents')
exit "$failed"
