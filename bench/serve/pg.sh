#!/usr/bin/env bash
# Load test of vetan serve on the PostgreSQL store (issue 9 §6): payslip reads alone, PATCH
# writes per second, then
# payslip reads while PATCHes go on (their p99), wrk on loopback against a PostgreSQL 15 server
# of its own (tests/serve/pg_support.py; fsync on, synchronous_commit on).
# Usage: bench/serve/pg.sh VETAN [ROWS] [PROFILE]; STORE=sqlite runs the same on the SQLite
# store, for comparison.
set -euo pipefail
vetan=${1:?vetan binary}; rows=${2:-200000}; profile=${3:-$(dirname "$0")/../../profiles/central-7cpc.json}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
pgdir=$(python3 -c "
import sys; sys.path.insert(0, '$here/../../tests/serve'); import pg_support
s = pg_support.Server().init().start(); s.create_database(); print(s.folder)")
url="postgresql:///vetan?host=$pgdir&port=5432&user=vetan"
trap 'kill $server 2>/dev/null; python3 -c "
import sys; sys.path.insert(0, \"$here/../../tests/serve\"); import pg_support
s = pg_support.Server(folder=\"$pgdir\"); s.cleanup()"; rm -rf "$work"' EXIT
"$vetan" generate --profile "$profile" --rows "$rows" --month 2026-11 --faults 0.02 --out "$work/master.csv"
token=$("$vetan" tokens --role admin --file "$work/tokens" | sed -n 's/^token: //p')
"$vetan" serve --profile "$profile" --employees "$work/master.csv" --data "$work/data" --tokens "$work/tokens" \
  --listen 127.0.0.1:18182 --date 2026-11-05 $([ "${STORE:-}" = sqlite ] || echo --store "$url") > "$work/log" &
server=$!
until grep -q listening "$work/log"; do sleep 0.2; done
curl -s -H "Authorization: Bearer $token" -X POST localhost:18182/v1/runs -d '{"month":"2026-11","wait":true}' >/dev/null
ids=$(cut -d, -f1 "$work/master.csv" | sed -n '2,2001p' | paste -sd,)
export TOKEN=$token IDS=$ids
echo "== payslip reads, nothing written (${STORE:-postgresql} store)"
wrk -t2 -c32 -d15s --latency -s "$here/payslips.lua" http://127.0.0.1:18182/
echo "== PATCH writes (${STORE:-postgresql} store)"; wrk -t2 -c16 -d15s --latency -s "$here/patches.lua" http://127.0.0.1:18182/
echo "== payslip reads while PATCHes go on"
wrk -t1 -c8 -d20s -s "$here/patches.lua" http://127.0.0.1:18182/ > "$work/writes.txt" &
writes=$!
sleep 2
wrk -t1 -c16 -d15s --latency -s "$here/payslips.lua" http://127.0.0.1:18182/
wait $writes; echo "-- the writes meanwhile:"; cat "$work/writes.txt"
echo "-- replies to one PATCH of each of the 2,000 employees (non-2xx above: edits refused)"
for id in ${ids//,/ }; do
  curl -s -o /dev/null -w '%{http_code}\n' -X PATCH -H "Authorization: Bearer $token" \
    localhost:18182/v1/employees/$id -d '{"lwp_days": 1}'
done | sort | uniq -c
