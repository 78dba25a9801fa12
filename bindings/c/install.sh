#!/usr/bin/env bash
# Builds and installs the callsign C library: include/callsign.h, libcallsign.so,
# libcallsign.a and lib/pkgconfig/callsign.pc under PREFIX.
# Usage: bindings/c/install.sh PREFIX [release|debug]   (default: release)
set -euo pipefail
prefix=${1:?usage: bindings/c/install.sh PREFIX [release|debug]}
profile=${2:-release}
cd "$(dirname "$0")/../.."
case "$profile" in
  release) profile_flags=(--release) ;;
  debug) profile_flags=() ;;
  *) echo "install.sh: unknown profile $profile" >&2; exit 2 ;;
esac

cargo build -p callsign-c --locked "${profile_flags[@]}"
# rustc names the system libraries a static link needs; cargo replays the note when fresh.
native_static_libs=$(cargo rustc -p callsign-c --lib --crate-type staticlib --locked \
  "${profile_flags[@]}" -- --print native-static-libs 2>&1 |
  sed -n 's/^note: native-static-libs: //p' | tail -n 1)
[ -n "$native_static_libs" ] || { echo "install.sh: rustc printed no native-static-libs" >&2; exit 1; }
version=$(cargo pkgid -p callsign-c | sed 's/.*[@#]//')

install -d "$prefix/include" "$prefix/lib/pkgconfig"
install -m 644 bindings/c/include/callsign.h "$prefix/include/"
install -m 755 "target/$profile/libcallsign.so" "$prefix/lib/"
install -m 644 "target/$profile/libcallsign.a" "$prefix/lib/"
sed -e "s|@PREFIX@|$prefix|" -e "s|@VERSION@|$version|" \
  -e "s|@NATIVE_STATIC_LIBS@|$native_static_libs|" bindings/c/callsign.pc.in \
  > "$prefix/lib/pkgconfig/callsign.pc"
echo "installed callsign $version ($profile) under $prefix"
