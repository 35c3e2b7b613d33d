#!/usr/bin/env bash
# Third-party Python tools the tests run (check-jsonschema, pinned with
# everything it pulls in: tests/python/tools-requirements.txt) in a virtual
# environment at target/python-tools; made again only when the requirements
# change. Prints the folder of their commands.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=target/python-tools
requirements=tests/python/tools-requirements.txt
stamp="$venv/requirements.txt"
if ! cmp -s "$requirements" "$stamp" 2>/dev/null; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements" >&2
  cp "$requirements" "$stamp"
fi
echo "$(pwd)/$venv/bin"
