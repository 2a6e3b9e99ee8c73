#!/usr/bin/env bash
# `make bench`: the long benchmarks, each printing its own figures. Never part of `make test`.
set -euo pipefail
cd "$(dirname "$0")/../../.."
UV="uv"; command -v uv >/dev/null 2>&1 || UV="python3 -m uv"
if [ -z "${KAFKA_BOOTSTRAP_SERVERS:-}" ] || [ -z "${MONGODB_URL:-}" ]; then
  endpoints="$($UV run gongjian infra up)"
  eval "$(echo "$endpoints" | grep -E '^(KAFKA_BOOTSTRAP_SERVERS|MONGODB_URL)=' | sed 's/^/export /')"
fi
for script in benchmarks/[!_]*.py; do
  echo "==> $script"
  $UV run python "$script"
done
