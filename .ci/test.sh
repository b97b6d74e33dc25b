#!/usr/bin/env bash
# The whole test suite: installs dependencies, builds Release and a sanitizer build
# (AddressSanitizer + UBSan), and runs every test (unit, conformance cases, differential
# test against the reference oracle) in both. Run from anywhere, as root on Debian 12.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/.ci/setup-debian.sh"
jobs=$(nproc)

cmake -S "$root" -B "$root/build" -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build "$root/build" -j "$jobs"
ctest --test-dir "$root/build" --output-on-failure -j "$jobs"

cmake -S "$root" -B "$root/build-sanitize" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DVETAN_SANITIZE=ON -DVETAN_BUILD_BENCH=OFF
cmake --build "$root/build-sanitize" -j "$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  LSAN_OPTIONS=suppressions="$root/.ci/lsan.supp" \
  ctest --test-dir "$root/build-sanitize" --output-on-failure -j "$jobs"
echo "vetan: all tests passed (Release and sanitizer builds)"
