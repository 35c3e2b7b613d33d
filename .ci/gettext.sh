#!/usr/bin/env bash
# The GNU gettext tools (msgmerge, msgcat, msgfmt) for the catalog round-trip
# test (codegen/tests/codegen/docs_gettext.rs): installs the Debian package `gettext`
# when one of them is missing. Under CI that test fails without them.
set -euo pipefail

if command -v msgmerge >/dev/null && command -v msgcat >/dev/null && command -v msgfmt >/dev/null; then
  exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null; then
  sudo="sudo"
fi
$sudo apt-get update
$sudo apt-get install -y gettext
msgmerge --version | head -n 1
