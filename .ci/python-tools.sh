#!/usr/bin/env bash
# Third-party Python tools the tests run (check-jsonschema and selenium,
# pinned with everything they pull in: tests/python/tools-requirements.txt)
# in a virtual environment at target/python-tools; made again only when the
# requirements change. Prints the folder of their commands.
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/python-venv.sh target/python-tools tests/python/tools-requirements.txt
