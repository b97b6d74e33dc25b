#!/usr/bin/env bash
# Differential test of what-if and arrears (whatif.md): generated masters with planted faults
# go through oracle.py whatif/arrears and through vetan; the files must be equal. Scenarios
# (tests/data/whatif): a DA change with increments across a July, a financial year and a new
# matrix version; a fitment factor without increments; HRA and NPS replaced; no change (every
# delta must be 0); several changes in a row. Also: several scenarios in one run give the same
# files as one at a time, and one thread gives the same files as all.
# usage: whatif_differential.sh VETAN KIT DATA   (exit 77, a skip, when the kit is absent)
set -u
vetan=${1:?usage: whatif_differential.sh VETAN KIT DATA}
kit=${2:?}
data=${3:?}
for f in gen.py oracle.py profiles/test-state.json; do
  [ -f "$kit/$f" ] || { echo "SKIP: the conformance kit is absent ($kit/$f)"; exit 77; }
done
profile="$kit/profiles/test-state.json"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vetan-whatif-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
failed=0
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }

# Equal cost tables; summary.json equal on the oracle's keys (vetan adds the distribution).
same_whatif() {
  cmp -s "$1/cost.csv" "$2/cost.csv" || { fail "$3: cost.csv differs"; diff "$1/cost.csv" "$2/cost.csv" | head -5; }
  python3 - "$1/summary.json" "$2/summary.json" <<'PY' || fail "$3: summary.json differs"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
bad = [k for k in a if a[k] != b.get(k)]
if bad:
    print("summary.json differs on", bad)
    sys.exit(1)
PY
}

for seed in 21 22; do
  dir="$tmp/$seed"
  mkdir -p "$dir"
  python3 "$kit/gen.py" --rows 2500 --seed "$seed" --month 2026-03 --profile "$profile" \
    --faults 0.03 >"$dir/employees.csv" || { echo "gen.py failed"; exit 1; }
  for s in "$data"/*.json; do
    name=$(basename "$s" .json)
    python3 "$kit/oracle.py" whatif --profile "$profile" --employees "$dir/employees.csv" \
      --as-of 2026-03 --scenario "$s" --out "$dir/oracle-$name" || { echo "oracle failed"; exit 1; }
    "$vetan" whatif --quiet --profile "$profile" --employees "$dir/employees.csv" --as-of 2026-03 \
      --scenario "$s" --out "$dir/vetan-$name" || { fail "vetan whatif $name"; continue; }
    same_whatif "$dir/oracle-$name" "$dir/vetan-$name" "seed $seed $name"
    echo "seed $seed whatif $name: $(($(wc -l <"$dir/vetan-$name/cost.csv") - 1)) cost lines compared"
  done
  # No change: every delta is 0, and the baseline is not empty.
  awk -F, 'NR > 1 && ($NF != 0 || $(NF-6) == 0) { bad = 1 } END { exit bad }' \
    "$dir/vetan-no-change/cost.csv" || fail "seed $seed: no-change has a delta or an empty baseline"
  # Several scenarios at once, and one thread.
  "$vetan" whatif --quiet --threads 1 --profile "$profile" --employees "$dir/employees.csv" \
    --as-of 2026-03 --scenario "$data/da-july-increments.json" --scenario "$data/fitment.json" \
    --out "$dir/multi" || fail "vetan whatif with two scenarios"
  same_whatif "$dir/oracle-da-july-increments" "$dir/multi/scenario-01" "seed $seed multi 1"
  same_whatif "$dir/oracle-fitment" "$dir/multi/scenario-02" "seed $seed multi 2"

  # Arrears: DA raised from 2026-01, a new matrix version from 2026-04, employer NPS 18%.
  python3 - "$profile" "$dir/revised.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
p["da"] = sorted([e for e in p["da"] if e["from"] != "2026-01"] + [{"from": "2026-01", "percent": 64}],
                 key=lambda e: e["from"])
base = p["pay_matrix"][0]["levels"]
p["pay_matrix"].insert(1, {"from": "2026-04", "levels": {k: [c * 3 // 2 for c in v] for k, v in base.items()}})
p["nps"]["employer_percent"] = 18
json.dump(p, open(sys.argv[2], "w"))
PY
  python3 "$kit/oracle.py" arrears --profile "$profile" --revised "$dir/revised.json" \
    --employees "$dir/employees.csv" --from 2026-03 --to 2026-05 --out "$dir/oracle-arrears" ||
    { echo "oracle arrears failed"; exit 1; }
  for threads in 1 2; do
    "$vetan" arrears --quiet --threads "$threads" --profile "$profile" --revised "$dir/revised.json" \
      --employees "$dir/employees.csv" --from 2026-03 --to 2026-05 --out "$dir/vetan-arrears-$threads" ||
      { fail "vetan arrears"; continue; }
    for f in arrears.csv arrear_bills.csv unmatched.csv; do
      cmp -s "$dir/oracle-arrears/$f" "$dir/vetan-arrears-$threads/$f" ||
        { fail "seed $seed arrears $f differs (threads $threads)"; diff "$dir/oracle-arrears/$f" "$dir/vetan-arrears-$threads/$f" | head -5; }
    done
  done
  echo "seed $seed arrears: $(($(wc -l <"$dir/vetan-arrears-1/arrears.csv") - 1)) lines," \
    "$(($(wc -l <"$dir/vetan-arrears-1/unmatched.csv") - 1)) unmatched compared"
done
echo "whatif differential: $failed failures"
[ "$failed" -eq 0 ]
