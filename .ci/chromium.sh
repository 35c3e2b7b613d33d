#!/usr/bin/env bash
# Debian's Chromium and its WebDriver (packages `chromium` and
# `chromium-driver`: /usr/bin/chromium, /usr/bin/chromedriver) for the site's
# end-to-end test in a headless browser; installed when missing. Under CI
# that test fails without them.
set -euo pipefail

if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then
  exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null; then
  sudo="sudo"
fi
$sudo apt-get update
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium chromium-driver
chromium --version
