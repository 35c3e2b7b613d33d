#!/usr/bin/env bash
# Third-party npm tools the tests run, pinned with everything they pull in by
# tests/node/package-lock.json (the official AsyncAPI CLI, html-validate), installed
# into target/node-tools; installed again only when the lock file changes.
# Prints the folder of their commands.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=target/node-tools
lock=tests/node/package-lock.json
if ! cmp -s "$lock" "$dir/package-lock.json" 2>/dev/null \
  || [ ! -x "$dir/node_modules/.bin/asyncapi" ] || [ ! -x "$dir/node_modules/.bin/html-validate" ]; then
  rm -rf "$dir"
  mkdir -p "$dir"
  cp tests/node/package.json "$lock" "$dir/"
  # No install scripts: nothing the tests run needs one (and none may
  # download a browser or phone home).
  (cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2)
fi
echo "$(pwd)/$dir/node_modules/.bin"
