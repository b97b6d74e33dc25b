#!/usr/bin/env bash
# Differential test (rules §8, conformance/README.md): generated masters with planted faults
# go through the reference oracle and through vetan; check.py must find the outputs equal.
# Months: a March (FY end, R = 1), a leap February, a normal month, an April (FY start);
# then masters with the columns of 2026-12-02 (gen.py --extra-columns: allowance_class,
# gpf_basis_pay, exempt_deductions) in a July (after the increment), a January and a March.
# usage: differential.sh VETAN KIT   (KIT: ../shared/conformance or tests/conformance-kit;
# exit 77, a skip, when it is absent)
set -u
vetan=${1:?usage: differential.sh VETAN KIT}
kit=${2:?usage: differential.sh VETAN KIT}
for f in gen.py oracle.py check.py profiles/test-state.json; do
  if [ ! -f "$kit/$f" ]; then
    echo "SKIP: the conformance kit is absent ($kit/$f); set -DVETAN_SHARED_DIR=..."
    exit 77
  fi
done
profile="$kit/profiles/test-state.json"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vetan-differential-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
rows=15000
total=0
failed=0
# seed month [extra]
runs="11 2027-03
12 2028-02
13 2026-11
14 2026-04
15 2026-07 extra
16 2027-01 extra
17 2027-03 extra"
while read -r seed month extra; do
  extra_flag=()
  [ -n "$extra" ] && extra_flag=(--extra-columns)
  dir="$tmp/$seed"
  mkdir -p "$dir"
  start=$(date +%s%N)
  python3 "$kit/gen.py" --rows "$rows" --seed "$seed" --month "$month" --profile "$profile" \
    --faults 0.03 "${extra_flag[@]}" >"$dir/employees.csv" || { echo "gen.py failed"; exit 1; }
  python3 "$kit/oracle.py" run --self-check --profile "$profile" --employees "$dir/employees.csv" \
    --month "$month" --out "$dir/oracle" || { echo "oracle.py failed"; exit 1; }
  oracle_done=$(date +%s%N)
  "$vetan" run --quiet --profile "$profile" --employees "$dir/employees.csv" --month "$month" \
    --out "$dir/vetan" || { echo "vetan run failed (seed $seed, month $month)"; failed=$((failed + 1)); continue; }
  vetan_done=$(date +%s%N)
  result=$(python3 "$kit/check.py" "$dir/oracle" "$dir/vetan")
  last=$(printf '%s\n' "$result" | tail -n 1)
  echo "seed $seed month $month${extra:+ (extra columns)}: $rows rows, gen+oracle $(( (oracle_done - start) / 1000000 )) ms," \
    "vetan $(( (vetan_done - oracle_done) / 1000000 )) ms: $last"
  if [ "$last" != "conformance: equal" ]; then
    printf '%s\n' "$result" | head -n 20
    failed=$((failed + 1))
  fi
  # The thread count must not matter (rules §8): one thread gives the same files.
  "$vetan" run --quiet --threads 1 --profile "$profile" --employees "$dir/employees.csv" \
    --month "$month" --out "$dir/vetan-1" || { echo "vetan --threads 1 failed"; failed=$((failed + 1)); }
  for f in payslips.csv bills.csv bill_heads.csv mismatches.csv stopped.csv summary.json; do
    cmp -s "$dir/vetan/$f" "$dir/vetan-1/$f" || { echo "$f differs with --threads 1"; failed=$((failed + 1)); }
  done
  total=$((total + rows))
done <<<"$runs"
echo "differential: $total rows, $failed failures"
[ "$failed" -eq 0 ] && [ "$total" -ge 50000 ]
