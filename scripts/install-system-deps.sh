#!/usr/bin/env bash
# Installs the Debian packages the product and its tests need, only when missing.
set -euo pipefail
need=()
for pair in espeak-ng:espeak-ng ffmpeg:ffmpeg sox:sox chromium:chromium \
            chromedriver:chromium-driver wrk:wrk; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || need+=("${pair#*:}")
done
[ ${#need[@]} -eq 0 ] && exit 0
echo "installing system packages: ${need[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
