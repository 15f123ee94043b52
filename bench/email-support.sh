#!/usr/bin/env bash
# The email's HTML checked against caniemail.com's support data with doiuse-email (npm,
# offline once installed): per mail client, how many features it does not support.
#   bench/email-support.sh            the demo issue (./newsletter demo), as sent
#   bench/email-support.sh FILE.html  any HTML file
# VERBOSE=1 lists the features. Needs Node.js and npm; doiuse-email is installed (npm ci/install)
# into bench/email-support/node_modules on first use.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

command -v node >/dev/null && command -v npm >/dev/null \
  || { echo "email-support: Node.js and npm are needed (apt-get install nodejs npm)" >&2; exit 2; }
CHECKER="$REPO/bench/email-support"
if [ ! -d "$CHECKER/node_modules/doiuse-email" ]; then
  log "installing doiuse-email into $CHECKER/node_modules"
  (cd "$CHECKER" && npm install --no-audit --no-fund --silent)
fi

if [ $# -gt 0 ]; then
  HTML=$1
else
  log "running ./newsletter demo in $BENCH_TMP"
  (cd "$BENCH_TMP" && "$REPO/newsletter" demo >"$BENCH_TMP/demo.log" 2>&1) \
    || { cat "$BENCH_TMP/demo.log" >&2; exit 1; }
  HTML="$BENCH_TMP/demo-email.html"
  # the HTML part of the first message, decoded from quoted-printable
  python3 - "$BENCH_TMP"/demo-data/outbox/issue-*/*.eml "$HTML" <<'PY'
import email, sys
message = email.message_from_binary_file(open(sys.argv[1], 'rb'))
html = next(p for p in message.walk() if p.get_content_type() == 'text/html').get_payload(decode=True)
open(sys.argv[-1], 'wb').write(html)
PY
fi
log "checking $HTML ($(wc -c <"$HTML") bytes)"
node "$CHECKER/count.mjs" "$HTML"
