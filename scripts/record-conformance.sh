#!/usr/bin/env bash
# Re-records the expected outcomes of our own conformance corpus (test/conformance/cases/*/expect.json) from a
# real Mistral 15 (default http://127.0.0.1:8989/v2, as ../shared/tools/mistral-up.sh starts it). Extra arguments
# go to the runner, e.g. `--only 042-join-one` to record a single case. Mistral is slow: modest parallelism.
set -euo pipefail
cd "$(dirname "$0")/.."
exec npx tsx test/conformance/rest.ts --api "${MISTRAL_URL:-http://127.0.0.1:8989/v2}" --record --jobs "${JOBS:-4}" "$@"
