#!/usr/bin/env bash
# The one place the scripts install Debian packages: installs those of PACKAGE... that dpkg does
# not list as installed (one `apt-get update` first), through sudo when not run as root.
# Usage: scripts/install-packages.sh [--no-install-recommends] PACKAGE...
set -euo pipefail
options=()
if [ "${1:-}" = "--no-install-recommends" ]; then
  options+=("$1")
  shift
fi
missing=()
for package in "$@"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
[ ${#missing[@]} -gt 0 ] || exit 0
sudo=()
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "install-packages: ${missing[*]} missing; run as root or install sudo" >&2
    exit 1
  fi
  sudo=(sudo)
fi
echo "install-packages: installing ${missing[*]}"
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${options[@]}" "${missing[@]}" >/dev/null
