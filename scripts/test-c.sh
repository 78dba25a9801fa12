#!/usr/bin/env bash
# C library: the header check and Rust-side tests; the C test suite linked dynamically and
# statically, each under ASan+UBSan and under valgrind; an install with pkg-config and the
# c-service example built through CMake; and the timing program (C API vs Rust core vs
# liboath). Installs its Debian packages itself.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
# Cargo's output directory: the tests must link the library this run built, not a stale one.
target_dir=${CARGO_TARGET_DIR:-$root/target}
case $target_dir in /*) ;; *) target_dir=$root/$target_dir ;; esac

scripts/install-packages.sh --no-install-recommends \
  gcc cmake pkg-config valgrind libcjson-dev liboath-dev libssl-dev

echo "--- Rust-side tests, among them: include/callsign.h equals a fresh cbindgen generation"
cargo test -p callsign-c --locked

echo "--- install (debug build) into $target_dir/c-prefix"
prefix=$target_dir/c-prefix
bash bindings/c/install.sh "$prefix" debug
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
read -r -a callsign_cflags <<<"$(pkg-config --cflags callsign)"
read -r -a callsign_libs <<<"$(pkg-config --libs callsign)"
read -r -a native_static_libs <<<"$(pkg-config --variable=native_static_libs callsign)"
soname=$(readelf -d "$prefix/lib/libcallsign.so" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
[[ "$soname" == libcallsign.so.[0-9]* ]] || { echo "test-c: no versioned SONAME ('$soname')" >&2; exit 1; }
[ -f "$prefix/lib/$soname" ] || { echo "test-c: $soname is not installed" >&2; exit 1; }
echo "SONAME $soname"

echo "--- install with DESTDIR and a relative PREFIX: staged files, absolute prefix in callsign.pc"
stage=$(mktemp -d)
(cd "$stage" && DESTDIR=pkgroot bash "$root/bindings/c/install.sh" opt/callsign debug >/dev/null)
staged=$stage/pkgroot$stage/opt/callsign
for file in include/callsign.h lib/libcallsign.a "lib/$soname" lib/libcallsign.so lib/pkgconfig/callsign.pc; do
  [ -e "$staged/$file" ] || { echo "test-c: DESTDIR install lacks $file" >&2; exit 1; }
done
grep -qx "prefix=$stage/opt/callsign" "$staged/lib/pkgconfig/callsign.pc" ||
  { echo "test-c: callsign.pc does not hold the absolute prefix" >&2; exit 1; }
rm -rf "$stage"

out=$target_dir/c-tests
mkdir -p "$out"
cflags=(-std=c11 -Wall -Wextra -Wpedantic -Werror -g -O1 "${callsign_cflags[@]}")
sanitize=(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
sources=("$root"/bindings/c/tests/{main,test_results,test_api,test_vectors,test_bad_input,test_twoway}.c)
dynamic=("${callsign_libs[@]}" -Wl,-rpath,"$prefix/lib")
static=("$prefix/lib/libcallsign.a" "${native_static_libs[@]}")
test_libs=(-lcjson -lcrypto -pthread)
vectors=$root/tests/vectors/callsign-v1.json

# One binary per link mode and checker: ASan and valgrind cannot share a binary.
gcc "${cflags[@]}" "${sanitize[@]}" -o "$out/tests-dynamic-asan" "${sources[@]}" "${dynamic[@]}" "${test_libs[@]}"
gcc "${cflags[@]}" "${sanitize[@]}" -o "$out/tests-static-asan" "${sources[@]}" "${static[@]}" "${test_libs[@]}"
gcc "${cflags[@]}" -o "$out/tests-dynamic" "${sources[@]}" "${dynamic[@]}" "${test_libs[@]}"
gcc "${cflags[@]}" -o "$out/tests-static" "${sources[@]}" "${static[@]}" "${test_libs[@]}"
if ldd "$out/tests-static" | grep -q libcallsign; then
  echo "test-c: the static test binary loads libcallsign.so" >&2
  exit 1
fi

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

echo "--- examples/c-service through pkg-config and CMake"
service_build=$target_dir/c-service
cmake -S examples/c-service -B "$service_build" -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build "$service_build"
agent=$service_build/callsign-agent
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The protocol's reference master key (bytes 0x00..0x1f) and time: customer-0001 -> 913441.
printf '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n' >"$work/master.hex"
printf 'customer-0001\ncustomer-0002\n' |
  "$agent" --master-key "$work/master.hex" --audit-file "$work/audit.jsonl" \
    --agent agent-7 --ticket T-1001 --time 59 >"$work/codes.tsv"
cat "$work/codes.tsv"
grep -qx $'customer-0001\t913441\t913 441\tvalid for 1 s' "$work/codes.tsv"
[ "$(wc -l <"$work/codes.tsv")" -eq 2 ]
[ "$(grep -c '"outcome":"issued"' "$work/audit.jsonl")" -eq 2 ]
if grep -q 913441 "$work/audit.jsonl"; then
  echo "test-c: the audit file holds a code" >&2
  exit 1
fi
if printf '%0257d\n' 0 | "$agent" --master-key "$work/master.hex" \
  --audit-file "$work/audit.jsonl" --agent agent-7 --ticket T-1001 2>"$work/errors.txt"; then
  echo "test-c: the c-service accepted an over-long account id" >&2
  exit 1
fi
grep -q invalid_identifier "$work/errors.txt"
[ "$(wc -l <"$work/audit.jsonl")" -eq 2 ]
# Bad command lines are refused with exit 2 and a message naming the problem, before any code.
bad_invocation() {
  local expected=$1
  shift
  local status=0
  "$agent" "$@" </dev/null >"$work/out.txt" 2>"$work/errors.txt" || status=$?
  if [ "$status" -ne 2 ] || [ -s "$work/out.txt" ] || ! grep -q -- "$expected" "$work/errors.txt"; then
    echo "test-c: c-service $* gave exit $status, stdout '$(cat "$work/out.txt")', stderr '$(cat "$work/errors.txt")'" >&2
    exit 1
  fi
}
base=(--master-key "$work/master.hex" --audit-file "$work/audit.jsonl" --agent agent-7 --ticket T-1)
for bad_time in banana 12x "" -5 " 5" +5 18446744073709551616 99999999999999999999999; do
  bad_invocation "--time: \"$bad_time\" is not a unix time" "${base[@]}" --time "$bad_time"
done
bad_invocation "--time needs a value" "${base[@]}" --time
bad_invocation 'unknown option "--bogus"' "${base[@]}" --bogus x
bad_invocation "are required" --master-key "$work/master.hex"
[ "$(wc -l <"$work/audit.jsonl")" -eq 2 ]
echo "c-service: 2 codes issued and audited, an over-long account id and 11 bad command lines refused"

echo "--- timing (release build): C API vs Rust core vs liboath"
cargo build -p callsign-c --release --features timing --locked
read -r -a liboath_libs <<<"$(pkg-config --libs liboath)"
gcc -std=c11 -O2 -Wall -Wextra -Wpedantic -Werror -I bindings/c/include \
  -o "$out/timing" bindings/c/tests/timing.c "$target_dir/release/libcallsign_c.a" \
  "${native_static_libs[@]}" "${liboath_libs[@]}"
"$out/timing"
