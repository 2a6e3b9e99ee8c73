# Sourced by the front-end install scripts (from the repo root): npm from Debian's packages if absent.
if ! command -v npm >/dev/null 2>&1; then
  echo "==> installing npm (Debian package)"
  SUDO=""; [ "$(id -u)" != 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq npm >/dev/null
fi
