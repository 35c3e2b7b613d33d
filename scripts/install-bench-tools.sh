#!/usr/bin/env bash
# Installs what `iothub-bench hub-throughput` compares the emulator with:
# mosquitto (Debian's package). Needs root (apt-get); a no-op when present.
set -euo pipefail
if command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ]; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "install-bench-tools: mosquitto is missing and this is not root; run: apt-get install mosquitto" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends mosquitto >/dev/null
# The package starts a system broker on port 1883; the bench starts its own.
systemctl disable --now mosquitto >/dev/null 2>&1 || service mosquitto stop >/dev/null 2>&1 || true
