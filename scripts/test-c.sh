#!/usr/bin/env bash
# C library: header check, the C test suite linked dynamically and statically under
# ASan+UBSan and under valgrind, the pkg-config install with the c-service example, and the
# timing program. Installs its Debian packages itself.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

packages=(gcc make cmake pkg-config valgrind libcjson-dev liboath-dev oathtool)
missing=()
for package in "${packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "test-c: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Rust-side tests, among them the check that include/callsign.h equals a fresh generation.
cargo test -p callsign-c --locked

cargo build -p callsign-c --locked
lib_dir=$root/target/debug
native_static_libs=$(cargo rustc -p callsign-c --lib --crate-type staticlib --locked \
  -- --print native-static-libs 2>&1 | sed -n 's/^note: native-static-libs: //p' | tail -n 1)
[ -n "$native_static_libs" ] || { echo "test-c: no native-static-libs line" >&2; exit 1; }

out=$root/target/c-tests
mkdir -p "$out"
cflags=(-std=c11 -Wall -Wextra -Wpedantic -Werror -g -O1 -I "$root/bindings/c/include")
sanitize=(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
sources=("$root"/bindings/c/tests/{main,test_results,test_api,test_vectors,test_bad_input}.c)
test_libs=(-lcjson -pthread)
vectors=$root/tests/vectors/callsign-v1.json

# One binary per link mode and checker: ASan and valgrind cannot share a binary.
gcc "${cflags[@]}" "${sanitize[@]}" -o "$out/tests-dynamic-asan" "${sources[@]}" \
  -L "$lib_dir" -lcallsign -Wl,-rpath,"$lib_dir" "${test_libs[@]}"
gcc "${cflags[@]}" "${sanitize[@]}" -o "$out/tests-static-asan" "${sources[@]}" \
  "$lib_dir/libcallsign.a" $native_static_libs "${test_libs[@]}"
gcc "${cflags[@]}" -o "$out/tests-dynamic" "${sources[@]}" \
  -L "$lib_dir" -lcallsign -Wl,-rpath,"$lib_dir" "${test_libs[@]}"
gcc "${cflags[@]}" -o "$out/tests-static" "${sources[@]}" \
  "$lib_dir/libcallsign.a" $native_static_libs "${test_libs[@]}"

export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
for mode in dynamic static; do
  echo "--- C tests, $mode link, ASan+UBSan"
  "$out/tests-$mode-asan" "$vectors"
  echo "--- C tests, $mode link, valgrind"
  valgrind -q --leak-check=full --show-leak-kinds=definite,indirect,possible \
    --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=1 \
    "$out/tests-$mode" "$vectors"
done
