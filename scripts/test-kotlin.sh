#!/usr/bin/env bash
# Kotlin/Swift (UniFFI): builds libcallsign_mobile and the pinned uniffi-bindgen, generates the
# Kotlin and Swift bindings from the built library, then compiles the Kotlin bindings with
# warnings as errors and runs their JUnit tests and the console app example's tests on this JVM.
# Installs Java and Maven (scripts/install-packages.sh) when missing; Maven keeps its downloads in ~/.m2.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
target_dir=${CARGO_TARGET_DIR:-$root/target}
case $target_dir in /*) ;; *) target_dir=$root/$target_dir ;; esac

if ! command -v mvn >/dev/null || ! command -v javac >/dev/null; then
  scripts/install-packages.sh openjdk-17-jdk-headless maven
fi

# Debug build: unstripped, so library mode finds the UniFFI metadata in it.
cargo build --locked -p callsign-mobile -p callsign-uniffi-bindgen
library=$target_dir/debug/libcallsign_mobile.so
bindgen=$target_dir/debug/uniffi-bindgen

generated=$target_dir/uniffi
rm -rf "$generated"
"$bindgen" generate --no-format --library "$library" --language kotlin --out-dir "$generated/kotlin"
"$bindgen" generate --no-format --library "$library" --language swift --out-dir "$generated/swift"
# The Android flavour cannot be compiled here (no Android SDK); generating it checks the override.
"$bindgen" generate --no-format --library "$library" --language kotlin \
  --config bindings/mobile/android.toml --out-dir "$generated/android"
for file in kotlin/dev/callsign/callsign.kt android/dev/callsign/callsign.kt swift/Callsign.swift \
  swift/CallsignFFI.h swift/CallsignFFI.modulemap; do
  if [ ! -s "$generated/$file" ]; then
    echo "test-kotlin: uniffi-bindgen did not write $generated/$file" >&2
    exit 1
  fi
done
if ! grep -q 'android.system.SystemCleaner' "$generated/android/dev/callsign/callsign.kt"; then
  echo "test-kotlin: the Android bindings do not use Android's cleaner" >&2
  exit 1
fi
echo "test-kotlin: generated Kotlin (JVM and Android) and Swift bindings in $generated"

# No Swift compiler here: at least check that the declarations the Swift sample calls exist in
# the freshly generated Swift (compared without spaces), so that a renamed API cannot silently
# strand the sample.
swift_api=(
  'public static func fromUri(uri: String, trustedKeys: [Data], allowUnsigned: Bool)throws  -> Enrollment'
  'public func openStoredVerifier(directory: String, config: VerifierConfig, now: UInt64)throws  -> StoredVerifier?'
  'public static func enroll(directory: String, enrollment: Enrollment, config: VerifierConfig, now: UInt64)throws  -> StoredVerifier'
  'open func restored() -> Restored?'
  'case lockedAfterLostState'
  'open func enrollment() -> Enrollment'
  'open func checkNow(entry: String, clock: Clock)throws  -> Verdict'
  'open func issuer() -> String'
  'public func defaultVerifierConfig() -> VerifierConfig'
  'func now() throws  -> UInt64'
  'case InvalidCode(message: String)'
  'case Unavailable('
  'case genuine('
  'case notGenuine('
  'case alreadyUsed('
  'case lockedOut('
)
swift_source=$(tr -d ' ' <"$generated/swift/Callsign.swift")
for declaration in "${swift_api[@]}"; do
  if [[ $swift_source != *"${declaration// /}"* ]]; then
    echo "test-kotlin: the Swift sample relies on '$declaration', which Callsign.swift lacks" >&2
    exit 1
  fi
done

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
