#!/usr/bin/env bash
# No rumqttc type in any public item of the published crates: rumqttc is a
# private detail of iothub-mqtt (and of the emulator's MQTT 3.1.1 refusal),
# so upgrading it is never a breaking change for users.
#
# rustdoc links a public item's types to their crate's docs when that crate
# is documented in the same run; documenting rumqttc beside the crates makes
# any of its types in their API show as a link to it.
set -euo pipefail
cd "$(dirname "$0")/.."

crates=(iothub_mqtt iothub_client iothub_emulator)
cargo doc --quiet --no-deps --locked -p rumqttc -p iothub-mqtt -p iothub-client -p iothub-emulator
# The pages of the items each crate has now (its `all.html` lists them;
# pages of items since removed may linger in target/doc).
pages=()
for crate in "${crates[@]}"; do
  while read -r page; do
    pages+=("target/doc/$crate/$page")
  done < <(grep -oE 'href="[^"#]+\.html"' "target/doc/$crate/all.html" | sed -E 's/^href="(.*)"$/\1/' | sort -u)
done
found=$(grep -lE 'title="[a-z]+ rumqttc::' "${pages[@]}" || true)
if [ -n "$found" ]; then
  echo "error: public items name rumqttc types (they should use iothub-mqtt's):"
  for page in $found; do
    grep -oE 'title="[a-z]+ rumqttc::[^"]+"' "$page" | sort -u | sed "s|^|  $page: |"
  done
  exit 1
fi
echo "no rumqttc type in the public API of ${crates[*]} (${#pages[@]} item pages)"
