#!/usr/bin/env bash
# `make test`: the whole suite against real Kafka and the real MongoDB-wire server.
set -euo pipefail
cd "$(dirname "$0")/../../.."
bash deploy/local/scripts/setup.sh
bash deploy/local/scripts/kustomize.sh  # renders deploy/k8s for tests/ops (built once, cached outside the repo)
bash deploy/local/scripts/browser.sh  # Debian's chromium + CJK fonts for the dashboard browser test
UV="uv"; command -v uv >/dev/null 2>&1 || UV="python3 -m uv"

started_here=0
if [ -z "${KAFKA_BOOTSTRAP_SERVERS:-}" ] || [ -z "${MONGODB_URL:-}" ]; then
  if ! $UV run gongjian infra status --no-probe >/dev/null 2>&1; then started_here=1; fi
  echo "==> starting local Kafka and FerretDB (first run builds them; cached afterwards)"
  endpoints="$($UV run gongjian infra up)"
  echo "$endpoints"
  eval "$(echo "$endpoints" | grep -E '^(KAFKA_BOOTSTRAP_SERVERS|MONGODB_URL)=' | sed 's/^/export /')"
fi
cleanup() {
  # CI leaves nothing behind; on a developer machine infra we did not start keeps running.
  if [ "$started_here" = 1 ] && [ "${CI:-}" = "true" ]; then $UV run gongjian infra down || true; fi
}
trap cleanup EXIT

mkdir -p artifacts
echo "==> running the test suite"
# The slowest tests in the log, so the time budget can be watched (CI target: pytest under ~1,400 s).
$UV run pytest --durations=40 "$@"
