#!/usr/bin/env bash
# The official IoT Hub service SDK for Python (azure-iot-hub, pinned with
# everything it pulls in: tests/python/requirements.txt) in a virtual
# environment at target/python-sdk, for the service-SDK tests. Made again
# only when the requirements change. Prints the environment's python.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=target/python-sdk
requirements=tests/python/requirements.txt
stamp="$venv/requirements.txt"
if ! cmp -s "$requirements" "$stamp" 2>/dev/null; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements" >&2
  cp "$requirements" "$stamp"
fi
echo "$(pwd)/$venv/bin/python"
