#!/usr/bin/env bash
# The official IoT Hub service SDK for Python (azure-iot-hub, pinned with
# everything it pulls in: tests/python/requirements.txt) in a virtual
# environment at target/python-sdk, for the service-SDK tests. Made again
# only when the requirements change. Prints the environment's python.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "$(bash .ci/python-venv.sh target/python-sdk tests/python/requirements.txt)/python"
