#!/usr/bin/env bash
# Front-end libraries of the dashboard (ECharts), installed from the npm registry with the
# lockfile and served by the evaluation service itself: nothing is fetched at run time.
# npm's cache stays outside the repo (~/.npm); node_modules and the vendor copy are git-ignored.
set -euo pipefail
cd "$(dirname "$0")/../../.."

assets=services/evaluation/dashboard-assets
vendor=services/evaluation/gongjian_evaluation/dashboard/static/vendor
stamp="$vendor/.lock-sha256"

lock_sum="$(sha256sum "$assets/package-lock.json" | cut -d' ' -f1)"
if [ -f "$vendor/echarts.min.js" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$lock_sum" ]; then
  exit 0  # already installed from this very lockfile
fi

source deploy/local/scripts/need-npm.sh

echo "==> installing dashboard assets (npm ci: echarts)"
(cd "$assets" && npm ci --no-audit --no-fund --loglevel=error --cache "$HOME/.npm")
mkdir -p "$vendor"
cp "$assets/node_modules/echarts/dist/echarts.min.js" "$vendor/echarts.min.js"
cp "$assets/node_modules/echarts/LICENSE" "$vendor/echarts.LICENSE.txt"
echo "$lock_sum" > "$stamp"
