#!/usr/bin/env bash
# Kotlin/Swift (UniFFI): builds libcallsign_mobile and the pinned uniffi-bindgen, generates the
# Kotlin and Swift bindings from the built library, then compiles the Kotlin bindings with
# warnings as errors and runs their JUnit tests and the console app example's tests on this JVM.
# Installs Java and Maven through apt-get when missing; Maven keeps its downloads in ~/.m2.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
target_dir=${CARGO_TARGET_DIR:-$root/target}
case $target_dir in /*) ;; *) target_dir=$root/$target_dir ;; esac

if ! command -v mvn >/dev/null || ! command -v javac >/dev/null; then
  echo "test-kotlin: installing a JDK and Maven"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jdk-headless maven >/dev/null
fi

# Debug build: unstripped, so library mode finds the UniFFI metadata in it.
cargo build --locked -p callsign-mobile -p callsign-uniffi-bindgen
library=$target_dir/debug/libcallsign_mobile.so
bindgen=$target_dir/debug/uniffi-bindgen

generated=$target_dir/uniffi
rm -rf "$generated"
"$bindgen" generate --no-format --library "$library" --language kotlin --out-dir "$generated/kotlin"
"$bindgen" generate --no-format --library "$library" --language swift --out-dir "$generated/swift"
for file in kotlin/dev/callsign/callsign.kt swift/Callsign.swift swift/CallsignFFI.h \
  swift/CallsignFFI.modulemap; do
  if [ ! -s "$generated/$file" ]; then
    echo "test-kotlin: uniffi-bindgen did not write $generated/$file" >&2
    exit 1
  fi
done
echo "test-kotlin: generated Kotlin and Swift bindings in $generated"

# Maven's full log goes to a file; the console gets the test summaries and any problem.
log=$target_dir/uniffi/maven.log
status=0
mvn -B -ntp -f bindings/mobile/pom.xml clean verify \
  -Dcallsign.root="$root" \
  -Dcallsign.generated.dir="$generated/kotlin" \
  -Dcallsign.lib.dir="$target_dir/debug" >"$log" 2>&1 || status=$?
grep -E 'Tests run:|FAIL|ERROR|BUILD' "$log" || true
if [ "$status" -ne 0 ]; then
  echo "test-kotlin: Maven failed ($status); the end of $log:" >&2
  tail -n 120 "$log" >&2
  exit "$status"
fi
