#!/usr/bin/env bash
# Runs one fuzz target for SECONDS on the stable toolchain, without
# cargo-fuzz: the target built with libFuzzer's coverage instrumentation
# (the flags cargo-fuzz passes, with no sanitizer), for the host target so
# that build scripts stay uninstrumented; the corpus in
# fuzz/corpus/TARGET (not committed), crashes in fuzz/artifacts/TARGET/.
#
#   fuzz/run-stable.sh emulator_packets 60
set -euo pipefail
cd "$(dirname "$0")/.."
target="${1:?usage: fuzz/run-stable.sh TARGET [SECONDS]}"
seconds="${2:-60}"
host="$(rustc -vV | sed -n 's/^host: //p')"
export RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing -Cdebug-assertions -Coverflow-checks"
cargo build --release --manifest-path fuzz/Cargo.toml --bin "$target" --target "$host" \
  --target-dir target/fuzz
mkdir -p "fuzz/corpus/$target" "fuzz/artifacts/$target"
dict=()
if [ "$target" = emulator_packets ]; then
  dict=(-dict=fuzz/dicts/mqtt.dict)
fi
"target/fuzz/$host/release/$target" "fuzz/corpus/$target" "${dict[@]}" \
  -artifact_prefix="fuzz/artifacts/$target/" -max_total_time="$seconds" -print_final_stats=1
