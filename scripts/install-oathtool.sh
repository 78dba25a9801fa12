#!/usr/bin/env bash
# Installs Debian's oathtool (the cross-checks' reference) if it is missing.
set -euo pipefail
if ! command -v oathtool >/dev/null 2>&1; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq oathtool >/dev/null
fi
oathtool --version | head -n 1
