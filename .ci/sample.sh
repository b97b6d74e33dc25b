#!/usr/bin/env bash
# The main job on a built-in sample: installs dependencies, builds vetan, generates a
# realistic master of 200,000 employees for the central 7th-CPC profile, runs November
# 2026 and prints the summary and where the files are. Run as root on Debian 12.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/.ci/setup-debian.sh"
cmake -S "$root" -B "$root/build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$root/build" --target vetan -j "$(nproc)"
rows=${ROWS:-200000}
month=${MONTH:-2026-11}
profile=${PROFILE:-$root/profiles/central-7cpc.json}
mkdir -p "$root/sample"
"$root/build/vetan" generate --profile "$profile" --rows "$rows" --seed 1 --month "$month" \
  --faults 0.01 --out "$root/sample/employees.csv"
"$root/build/vetan" run --profile "$profile" --employees "$root/sample/employees.csv" \
  --month "$month" --out "$root/sample/out"
echo "master: $root/sample/employees.csv"
echo "outputs: $root/sample/out/"
