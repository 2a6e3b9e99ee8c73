#!/usr/bin/env bash
# Headless Chromium for the dashboard's browser test: Debian's package, never a browser download.
# Also the CJK fonts, so that the screenshot shows Chinese glyphs and not boxes, and the PDF font.
set -euo pipefail

need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
if ! fc-list 2>/dev/null | grep -qi "noto sans cjk"; then need+=(fonts-noto-cjk); fi
# The CJK TrueType font the PDF reports embed, and poppler to render report pages in tests.
[ -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || need+=(fonts-wqy-microhei)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
if [ "${#need[@]}" -eq 0 ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
echo "==> installing ${need[*]} (Debian packages, for the browser test)"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
