#!/usr/bin/env bash
# Builds and installs the callsign C library under PREFIX (what `cargo capi install` does with
# the crate's [package.metadata.capi], without needing cargo-c):
#   include/callsign.h
#   lib/libcallsign.so.VERSION, lib/libcallsign.so.SONAME_VERSION -> it, lib/libcallsign.so -> it
#   lib/libcallsign.a
#   lib/pkgconfig/callsign.pc   (prefix=PREFIX, absolute)
# Usage: bindings/c/install.sh [PREFIX] [release|debug]
#   PREFIX      where the library will live (default: $PREFIX, else /usr/local); a relative
#               PREFIX is taken relative to the current directory and written out absolute.
#   DESTDIR     staging root for packagers: files go to $DESTDIR$PREFIX, while callsign.pc
#               still says PREFIX.
#   CARGO_TARGET_DIR (or the target-dir in cargo's config) is honoured.
set -euo pipefail
usage="usage: bindings/c/install.sh [PREFIX] [release|debug]   (env: PREFIX, DESTDIR, CARGO_TARGET_DIR)"
prefix=${1:-${PREFIX:-/usr/local}}
profile=${2:-release}
destdir=${DESTDIR:-}
case "$prefix" in
  -h | --help) echo "$usage"; exit 0 ;;
  -*) echo "install.sh: unknown option $prefix" >&2; echo "$usage" >&2; exit 2 ;;
  /*) ;;
  *) prefix=$PWD/$prefix ;;
esac
prefix=${prefix%/}
[ -n "$prefix" ] || prefix=/
case "$profile" in
  release) profile_flags=(--release) ;;
  debug) profile_flags=() ;;
  *) echo "install.sh: unknown profile $profile (release or debug)" >&2; exit 2 ;;
esac
if [ -n "$destdir" ]; then
  case "$destdir" in /*) ;; *) destdir=$PWD/$destdir ;; esac
fi
cd "$(dirname "$0")/../.."

cargo build -p callsign-c --locked "${profile_flags[@]}"
# rustc names the system libraries a static link needs; cargo replays the note when fresh.
native_static_libs=$(cargo rustc -p callsign-c --lib --crate-type staticlib --locked \
  "${profile_flags[@]}" -- --print native-static-libs 2>&1 |
  sed -n 's/^note: native-static-libs: //p' | tail -n 1)
[ -n "$native_static_libs" ] || { echo "install.sh: rustc printed no native-static-libs" >&2; exit 1; }
metadata=$(cargo metadata --format-version 1 --no-deps --locked)
read -r target_dir version < <(python3 -c 'import json, sys
m = json.load(sys.stdin)
v = next(p["version"] for p in m["packages"] if p["name"] == "callsign-c")
print(m["target_directory"], v)' <<<"$metadata")
built=$target_dir/$profile
# Cargo names the files after the crate's library, callsign_c (as rustls-ffi's are named
# rustls_ffi); C users see libcallsign, the name its SONAME, the links and callsign.pc carry.
shared=$built/libcallsign_c.so
static=$built/libcallsign_c.a
# The SONAME build.rs gave the library: libcallsign.so.0.MINOR before 1.0, .MAJOR after.
soname=$(objdump -p "$shared" 2>/dev/null | sed -n 's/^ *SONAME *//p')
case "$soname" in
  libcallsign.so.*) ;;
  *) echo "install.sh: $shared has no versioned SONAME (got '$soname')" >&2; exit 1 ;;
esac

root=$destdir$prefix
install -d "$root/include" "$root/lib/pkgconfig"
install -m 644 bindings/c/include/callsign.h "$root/include/"
install -m 755 "$shared" "$root/lib/libcallsign.so.$version"
[ "$soname" = "libcallsign.so.$version" ] || ln -sfn "libcallsign.so.$version" "$root/lib/$soname"
ln -sfn "$soname" "$root/lib/libcallsign.so"
install -m 644 "$static" "$root/lib/libcallsign.a"
sed -e "s|@PREFIX@|$prefix|" -e "s|@VERSION@|$version|" \
  -e "s|@NATIVE_STATIC_LIBS@|$native_static_libs|" bindings/c/callsign.pc.in \
  >"$root/lib/pkgconfig/callsign.pc"
chmod 644 "$root/lib/pkgconfig/callsign.pc"
echo "installed callsign $version ($profile, $soname) under $root"
