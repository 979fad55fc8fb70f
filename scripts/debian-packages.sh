#!/usr/bin/env bash
# Installs the Debian packages listed in scripts/debian-packages.txt that are missing:
# make; Node.js and npm for the widget page; chromium for its browser test; PostgreSQL,
# Redis and nginx for the storage and two-replica tests (the tests start them themselves).
#
#   bash scripts/debian-packages.sh           # install what is missing (needs root)
#   bash scripts/debian-packages.sh --check   # only list what is missing
#
# Not root and something missing: fails with the apt-get command to run, unless
# TANDEM_ALLOW_SKIP=1 (then the tests that need it are skipped with the reason).
set -euo pipefail
cd "$(dirname "$0")/.."
LIST=scripts/debian-packages.txt

installed() {  # $1: a command name, or an absolute path / glob
  case "$1" in
    /*) compgen -G "$1" >/dev/null ;;
    *) command -v "$1" >/dev/null ;;
  esac
}

missing=()
while read -r package probe _; do
  case "$package" in ''|'#'*) continue ;; esac
  installed "$probe" || missing+=("$package")
done < "$LIST"

if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi
if [ "${1:-}" = "--check" ]; then
  echo "missing Debian packages: ${missing[*]}"
  exit 1
fi
if [ "$(id -u)" -eq 0 ]; then
  echo "installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    "${missing[@]}" >/dev/null
  exit 0
fi
echo "missing Debian packages: ${missing[*]}" >&2
echo "  install them:  sudo apt-get install ${missing[*]}" >&2
if [ "${TANDEM_ALLOW_SKIP:-}" = "1" ]; then
  echo "  TANDEM_ALLOW_SKIP=1: the tests that need them will be skipped" >&2
  exit 0
fi
echo "  or set TANDEM_ALLOW_SKIP=1 to skip the tests that need them" >&2
exit 1
