#!/usr/bin/env bash
# A Python virtual environment at VENV with REQUIREMENTS (pinned) installed;
# made again only when the requirements file changes. Prints the
# environment's bin folder. Used by python-sdk.sh and python-tools.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
venv="$1"
requirements="$2"
stamp="$venv/requirements.txt"
if ! cmp -s "$requirements" "$stamp" 2>/dev/null; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements" >&2
  cp "$requirements" "$stamp"
fi
echo "$(pwd)/$venv/bin"
