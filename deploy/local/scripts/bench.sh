#!/usr/bin/env bash
# `make bench`: every benchmark in benchmarks/, each printing its own figures (see BENCHMARKS.md).
# Never part of `make test`. A benchmark that misses its goal exits non-zero: the others still
# run, and the list of misses ends the output. CITY_SCALE sizes the city benchmark (1 = the
# full city of issue 10: hours on a 2-core machine; `make bench-city` runs that).
set -uo pipefail
cd "$(dirname "$0")/../../.."
UV="uv"; command -v uv >/dev/null 2>&1 || UV="python3 -m uv"
if [ -z "${KAFKA_BOOTSTRAP_SERVERS:-}" ] || [ -z "${MONGODB_URL:-}" ]; then
  endpoints="$($UV run gongjian infra up)" || exit 1
  eval "$(echo "$endpoints" | grep -E '^(KAFKA_BOOTSTRAP_SERVERS|MONGODB_URL)=' | sed 's/^/export /')"
fi
missed=()
for script in benchmarks/[!_]*.py; do
  args=()
  [ "$script" = benchmarks/city_reads.py ] && args=(--scale "${CITY_SCALE:-0.01}")
  echo "==> $script ${args[*]}"
  $UV run python "$script" "${args[@]}" || missed+=("$script")
done
if [ ${#missed[@]} -gt 0 ]; then
  echo "goal missed or failed: ${missed[*]}"
  exit 1
fi
