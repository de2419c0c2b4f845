#!/usr/bin/env bash
# Runs the conformance corpora through the REST API: starts a fresh server on an empty store, runs our own corpus
# (test/conformance/cases, with test/conformance/rest.ts) and, when ../shared is beside the project, the given one
# (with its own ../shared/conformance/run.mjs). Each prints "N passed, M failed"; any failure fails the script.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${TRAM_CONFORMANCE_PORT:-18989}"
RUNNER="${TRAM_CONFORMANCE_RUNNER:-../shared/conformance/run.mjs}"
DIR="$(mktemp -d)"
node dist/cli/main.js serve --port "$PORT" --db "$DIR/tram.db" --log-level warn &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true; rm -rf "$DIR"' EXIT
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$PORT/v2" >/dev/null 2>&1 && break; sleep 0.2; done
STATUS=0
echo "conformance: our own corpus (test/conformance/cases)"
npx tsx test/conformance/rest.ts --api "http://127.0.0.1:$PORT/v2" --jobs 4 || STATUS=1
if [ -f "$RUNNER" ]; then
  echo "conformance: the shared corpus ($RUNNER)"
  node "$RUNNER" --api "http://127.0.0.1:$PORT/v2" --jobs 4 || STATUS=1
fi
exit $STATUS
