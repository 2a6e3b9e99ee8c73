#!/usr/bin/env bash
# One-time (cached) set-up on a fresh machine: uv, the locked virtualenv, the front ends' builds.
# Downloads live outside the repo: uv's cache (~/.cache/uv), Maven (~/.m2), Go (~/go), and
# ~/.cache/gongjian for the Kafka jars and the FerretDB binary.
set -euo pipefail
cd "$(dirname "$0")/../../.."

if ! python3 -m uv --version >/dev/null 2>&1 && ! command -v uv >/dev/null 2>&1; then
  echo "==> installing uv (Python package manager)"
  python3 -m pip install --quiet --disable-pip-version-check uv
fi
UV="uv"; command -v uv >/dev/null 2>&1 || UV="python3 -m uv"

echo "==> syncing the virtualenv from uv.lock"
$UV sync --frozen --quiet

if [ "${GONGJIAN_SKIP_ASSETS:-0}" != "1" ] && [ -f deploy/local/scripts/assets.sh ]; then
  bash deploy/local/scripts/assets.sh
fi
if [ "${GONGJIAN_SKIP_ASSETS:-0}" != "1" ] && [ -f deploy/local/scripts/frontend.sh ]; then
  bash deploy/local/scripts/frontend.sh
fi
