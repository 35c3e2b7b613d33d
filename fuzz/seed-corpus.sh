#!/usr/bin/env bash
# Seeds each fuzz target's corpus (fuzz/corpus/<target>/, not committed) with
# the project's real inputs: the spec, the PO catalogs, the committed
# reference documents and the seeds of $IOTHUB_SOURCES (default ../shared
# beside the workspace). Run from anywhere; safe to run again.
set -euo pipefail
cd "$(dirname "$0")"
root=..
sources="${IOTHUB_SOURCES:-$root/../shared}"

mkdir -p corpus/spec_loader corpus/po_catalog corpus/markdown_import \
  corpus/property_decoders corpus/emulator_packets
cp "$root/spec/iothub-mqtt5.yaml" corpus/spec_loader/spec.yaml
for broken in "$root"/codegen/tests/broken/*.yaml; do
  cp "$broken" "corpus/spec_loader/broken-$(basename "$broken")"
done
for po in "$root"/spec/locales/*.po "$root"/spec/locales/*.pot; do
  cp "$po" "corpus/po_catalog/$(basename "$po")"
done
for doc in "$root"/docs/*/iot-hub-mqtt-5-reference.md; do
  cp "$doc" "corpus/markdown_import/$(basename "$(dirname "$doc")").md"
done
if [ -d "$sources/seeds" ]; then
  for seed in "$sources"/seeds/*.txt; do
    cp "$seed" "corpus/markdown_import/seed-$(basename "$seed")"
  done
else
  echo "no seeds at $sources/seeds (set IOTHUB_SOURCES); markdown_import starts from the docs alone" >&2
fi
echo "corpora seeded under $(pwd)/corpus"
