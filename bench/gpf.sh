#!/usr/bin/env bash
# `vetan gpf statement` end to end (issue 10's targets): 1,000,000 accounts x 12 postings
# (about 13M ledger lines) under 3 s on 2 cores, and at least 100x the oracle on the same
# 20,000-account ledger, both from one run. Ledgers come from bench/gpf_ledger.py (seed 17)
# and are kept in WORK for reruns. Each run prints its wall time, user and system CPU
# seconds (on a machine shared with other work the wall time swings with the others' load,
# the CPU seconds much less), peak memory, and the phases `vetan gpf statement` reports.
#
# usage: bench/gpf.sh [VETAN] [WORK] [ACCOUNTS...]   (defaults: build/vetan /tmp/vetan-gpf-bench
#        1000000 20000; the oracle runs on the 20,000-account ledger only)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
vetan=${1:-$here/../build/vetan}
work=${2:-/tmp/vetan-gpf-bench}
shift $(($# > 2 ? 2 : $#))
sizes=${*:-1000000 20000}
kit=${VETAN_CONFORMANCE_DIR:-/work/shared/conformance}
profile=$here/../tests/conformance-kit/cases-gpf/01-year-and-final/profile.json
mkdir -p "$work"
echo "machine: $(nproc) cores, $(uname -m), load average $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%F)"
for n in $sizes; do
  ledger=$work/ledger-$n.csv
  [ -s "$ledger" ] || python3 "$here/gpf_ledger.py" --accounts "$n" --out "$ledger"
  cat "$ledger" > /dev/null  # in the page cache, as a file just written would be
  rm -rf "$work/out-$n"
  sync  # the last run's files on disk before this one writes its own
  rm -rf "$work/out-$n"
  /usr/bin/time -f "  wall %e s, user %U s, system %S s, peak %M KiB" -o "$work/time-$n" \
    "$vetan" gpf statement --profile "$profile" --ledger "$ledger" --fy 2025-26 \
    --out "$work/out-$n" > "$work/summary-$n"
  echo "vetan gpf statement, $n accounts ($(stat -c %s "$ledger") bytes):"
  grep "time:" "$work/summary-$n"
  cat "$work/time-$n"
  if [ "$n" = 20000 ] && [ -f "$kit/oracle.py" ]; then
    rm -rf "$work/oracle-$n"
    /usr/bin/time -f "%e" -o "$work/oracle-time-$n" python3 "$kit/oracle.py" gpf statement \
      --profile "$profile" --ledger "$ledger" --fy 2025-26 --out "$work/oracle-$n" > /dev/null
    for f in "$work/oracle-$n"/*.csv; do
      cmp -s "$f" "$work/out-$n/$(basename "$f")" || echo "  DIFFERS from the oracle: $(basename "$f")"
    done
    ours=$(awk '{print $2}' "$work/time-$n")
    theirs=$(cat "$work/oracle-time-$n")
    awk -v a="$ours" -v b="$theirs" 'BEGIN { printf "  oracle %.2f s: %.0fx\n", b, b / a }'
  fi
done
