#!/usr/bin/env bash
# GPF differential test (gpf.md, conformance/README.md): ledgers from gen_gpf.py with planted
# faults go through `oracle.py gpf statement|final` and `vetan gpf statement|final`;
# check_gpf.py must find them equal, and every CSV must be byte-identical (detail and problem
# texts included). --threads 1 must give the same files as the default. Several seeds, FYs
# of generation and statement FYs (a rate change of the test profile falls in 2026-27).
# usage: gpf_differential.sh VETAN KIT   (exit 77, a skip, when the kit is absent)
set -u
vetan=${1:?usage: gpf_differential.sh VETAN KIT}
kit=${2:?usage: gpf_differential.sh VETAN KIT}
for f in gen_gpf.py oracle.py oracle_gpf.py check_gpf.py cases-gpf/01-year-and-final/profile.json; do
  if [ ! -f "$kit/$f" ]; then
    echo "SKIP: the GPF conformance kit is absent ($kit/$f)"
    exit 77
  fi
done
profile="$kit/cases-gpf/01-year-and-final/profile.json"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vetan-gpf-differential-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
total=0
failed=0
compare() {  # label expected actual
  local result last
  result=$(python3 "$kit/check_gpf.py" "$2" "$3")
  last=$(printf '%s\n' "$result" | tail -n 1)
  if [ "$last" != "gpf conformance: equal" ]; then
    echo "$1: $last"; printf '%s\n' "$result" | head -n 10; failed=$((failed + 1))
  fi
  for f in "$2"/*.csv; do
    cmp -s "$f" "$3/$(basename "$f")" || { echo "$1: $(basename "$f") is not byte-identical"; failed=$((failed + 1)); }
  done
}
same() {  # label dir1 dir2: identical files
  for f in "$2"/*; do
    cmp -s "$f" "$3/$(basename "$f")" || { echo "$1: $(basename "$f") differs with --threads 1"; failed=$((failed + 1)); }
  done
}
# seed accounts generated-fy statement-fy
runs="21 15000 2025-26 2025-26
22 15000 2025-26 2026-27
23 12000 2024-25 2024-25
24 10000 2026-27 2027-28"
while read -r seed accounts gen_fy fy; do
  dir="$tmp/$seed"
  mkdir -p "$dir"
  python3 "$kit/gen_gpf.py" --accounts "$accounts" --seed "$seed" --fy "$gen_fy" \
    --ledger "$dir/ledger.csv" --cases "$dir/cases.csv" --faults 0.03 || { echo "gen_gpf.py failed"; exit 1; }
  for cmd in statement final; do
    if [ "$cmd" = statement ]; then args=(--fy "$fy"); else args=(--cases "$dir/cases.csv"); fi
    start=$(date +%s%N)
    python3 "$kit/oracle.py" gpf "$cmd" --profile "$profile" --ledger "$dir/ledger.csv" "${args[@]}" \
      --out "$dir/oracle-$cmd" || { echo "oracle.py gpf $cmd failed"; exit 1; }
    oracle_done=$(date +%s%N)
    "$vetan" gpf "$cmd" --quiet --profile "$profile" --ledger "$dir/ledger.csv" "${args[@]}" \
      --out "$dir/vetan-$cmd" || { echo "vetan gpf $cmd failed (seed $seed)"; failed=$((failed + 1)); continue; }
    vetan_done=$(date +%s%N)
    compare "seed $seed $cmd" "$dir/oracle-$cmd" "$dir/vetan-$cmd"
    "$vetan" gpf "$cmd" --quiet --threads 1 --profile "$profile" --ledger "$dir/ledger.csv" \
      "${args[@]}" --out "$dir/vetan1-$cmd" || { echo "vetan --threads 1 failed"; failed=$((failed + 1)); }
    same "seed $seed $cmd" "$dir/vetan-$cmd" "$dir/vetan1-$cmd"
    echo "seed $seed $cmd (ledger of FY $gen_fy, $accounts accounts, ${args[*]}): oracle" \
      "$(( (oracle_done - start) / 1000000 )) ms, vetan $(( (vetan_done - oracle_done) / 1000000 )) ms"
  done
  total=$((total + accounts))
done <<<"$runs"
echo "gpf differential: $total accounts, $failed failures"
[ "$failed" -eq 0 ] && [ "$total" -ge 50000 ]
