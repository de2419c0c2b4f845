#!/usr/bin/env bash
# Runs the Mistral conformance corpus through the REST API: starts a fresh server on an empty store, runs
# ../shared/conformance/run.mjs against it (it prints "N passed, M failed"), stops the server.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${TRAM_CONFORMANCE_PORT:-18989}"
CASES="${TRAM_CONFORMANCE_RUNNER:-../shared/conformance/run.mjs}"
DIR="$(mktemp -d)"
node dist/cli/main.js serve --port "$PORT" --db "$DIR/tram.db" --log-level warn &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true; rm -rf "$DIR"' EXIT
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$PORT/v2" >/dev/null 2>&1 && break; sleep 0.2; done
node "$CASES" --api "http://127.0.0.1:$PORT/v2" --jobs 4
