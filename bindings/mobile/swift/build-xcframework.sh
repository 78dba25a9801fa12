#!/usr/bin/env bash
# Builds CallsignFFI.xcframework (static libcallsign_mobile for iOS devices, the iOS simulator
# and macOS) and generates Sources/Callsign/Callsign.swift, so that Package.swift builds.
#
# macOS only, with Xcode and rustup. NOT RUNNABLE on the project's Linux machines (no Xcode,
# no Apple SDKs, no Swift compiler): untested there, kept in step with the generated API.
#
# Usage: bindings/mobile/swift/build-xcframework.sh [--release]
set -euo pipefail
if [ "$(uname -s)" != Darwin ]; then
  echo "build-xcframework.sh needs macOS with Xcode; see bindings/mobile/README.md" >&2
  exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
cd "$root"
profile=debug
cargo_profile=()
if [ "${1:-}" = --release ]; then
  profile=release
  cargo_profile=(--release)
fi
target_dir=${CARGO_TARGET_DIR:-$root/target}

ios=aarch64-apple-ios
simulators=(aarch64-apple-ios-sim x86_64-apple-ios)
macs=(aarch64-apple-darwin x86_64-apple-darwin)
rustup target add "$ios" "${simulators[@]}" "${macs[@]}"
for target in "$ios" "${simulators[@]}" "${macs[@]}"; do
  cargo build --locked -p callsign-mobile --lib --target "$target" "${cargo_profile[@]}"
done

# Generate the Swift source, header and module map from the host library (unstripped), with the
# bindgen pinned to the library's uniffi version.
cargo build --locked -p callsign-mobile -p callsign-uniffi-bindgen
generated=$target_dir/uniffi/swift
rm -rf "$generated"
"$target_dir/debug/uniffi-bindgen" generate --no-format --language swift \
  --library "$target_dir/debug/libcallsign_mobile.dylib" --out-dir "$generated"

staging=$target_dir/uniffi/xcframework
rm -rf "$staging"
mkdir -p "$staging/headers" "$staging/ios-simulator" "$staging/macos"
cp "$generated/CallsignFFI.h" "$staging/headers/"
# Inside an XCFramework the module map must be called module.modulemap.
cp "$generated/CallsignFFI.modulemap" "$staging/headers/module.modulemap"

library() { echo "$target_dir/$1/$profile/libcallsign_mobile.a"; }
lipo -create "$(library "${simulators[0]}")" "$(library "${simulators[1]}")" \
  -output "$staging/ios-simulator/libcallsign_mobile.a"
lipo -create "$(library "${macs[0]}")" "$(library "${macs[1]}")" \
  -output "$staging/macos/libcallsign_mobile.a"

rm -rf "$here/CallsignFFI.xcframework"
xcodebuild -create-xcframework \
  -library "$(library "$ios")" -headers "$staging/headers" \
  -library "$staging/ios-simulator/libcallsign_mobile.a" -headers "$staging/headers" \
  -library "$staging/macos/libcallsign_mobile.a" -headers "$staging/headers" \
  -output "$here/CallsignFFI.xcframework"
cp "$generated/Callsign.swift" "$here/Sources/Callsign/Callsign.swift"
echo "built $here/CallsignFFI.xcframework; now: cd $here && swift build"
