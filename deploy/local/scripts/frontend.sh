#!/usr/bin/env bash
# The portal's front ends (mobile H5 and staff console): `npm ci` from the committed lockfile,
# then `npm run build` into services/portal/gongjian_portal/static/{m,console}/ (git-ignored),
# served by the portal itself: nothing is fetched at run time. npm's cache stays in ~/.npm.
# Skipped when the lockfile and the sources are what the last build was made from (hash stamp).
# `frontend.sh --check` only says whether a build is needed (exit 0 no, 3 never built, 4 sources changed).
set -euo pipefail
cd "$(dirname "$0")/../../.."

project=services/portal/frontend
static=services/portal/gongjian_portal/static
stamp="$static/.frontend-sha256"

sources_sum() {
  (cd "$project" && find package.json package-lock.json build.mjs vite.config.ts tsconfig.json m console src \
    -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum) | sha256sum | cut -d' ' -f1
}
sum="$(sources_sum)"
if [ "${1:-}" = "--check" ]; then  # for `gongjian demo`/`up` (gongjian_local/frontend.py); builds nothing
  [ -f "$static/m/index.html" ] && [ -f "$static/console/index.html" ] || exit 3  # never built
  [ "$(cat "$stamp" 2>/dev/null)" = "$sum" ] || exit 4                           # built from other sources
  exit 0
fi
if [ -f "$static/m/index.html" ] && [ -f "$static/console/index.html" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$sum" ]; then
  exit 0  # already built from these very sources
fi

source deploy/local/scripts/need-npm.sh

echo "==> building the portal front ends (npm ci + vite build: mobile site, console)"
(cd "$project" && npm ci --prefer-offline --no-audit --no-fund --loglevel=error --cache "$HOME/.npm" \
  && npm run --silent build)
echo "$sum" > "$stamp"
