#!/usr/bin/env bash
# Runs the conformance corpora through the REST API: starts a fresh server on an empty store, runs our own corpus
# (test/conformance/cases, with test/conformance/rest.ts) and, when ../shared is beside the project, the given one
# (with its own ../shared/conformance/run.mjs). Each prints "N passed, M failed"; any failure fails the script.
# Usage: conformance-api.sh [postgres://user@host:port/db]. With a PostgreSQL URL the server runs on a fresh
# database created on that server for the run (and dropped after it); without, on a fresh SQLite file.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${TRAM_CONFORMANCE_PORT:-18989}"
RUNNER="${TRAM_CONFORMANCE_RUNNER:-../shared/conformance/run.mjs}"
DIR="$(mktemp -d)"
PG_ADMIN="${1:-}"
PG_NAME=""
DB="$DIR/tram.db"
if [[ "$PG_ADMIN" == postgres* ]]; then
  PG_NAME="tram_conformance_$$_$RANDOM"
  psql "$PG_ADMIN" -qc "CREATE DATABASE $PG_NAME" || { echo "conformance: PostgreSQL unreachable at $PG_ADMIN" >&2; exit 1; }
  DB="${PG_ADMIN%/*}/$PG_NAME"
  echo "conformance: on PostgreSQL ($PG_NAME)"
fi
node dist/cli/main.js serve --port "$PORT" --db "$DB" --log-level warn &
SERVER=$!
cleanup() {
  kill $SERVER 2>/dev/null || true
  wait $SERVER 2>/dev/null || true
  rm -rf "$DIR"
  if [ -n "$PG_NAME" ]; then psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS $PG_NAME WITH (FORCE)" || true; fi
}
trap cleanup EXIT
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$PORT/v2" >/dev/null 2>&1 && break; sleep 0.2; done
STATUS=0
echo "conformance: our own corpus (test/conformance/cases)"
npx tsx test/conformance/rest.ts --api "http://127.0.0.1:$PORT/v2" --jobs 4 || STATUS=1
if [ -f "$RUNNER" ]; then
  echo "conformance: the shared corpus ($RUNNER)"
  node "$RUNNER" --api "http://127.0.0.1:$PORT/v2" --jobs 4 || STATUS=1
fi
exit $STATUS
