#!/usr/bin/env bash
# Load test of vetan serve with wrk on loopback (issue 3 targets): payslip reads, then reads
# while a full run computes. Usage: bench/serve/run.sh VETAN [ROWS] [PROFILE]
set -euo pipefail
vetan=${1:?vetan binary}; rows=${2:-200000}; profile=${3:-$(dirname "$0")/../../profiles/central-7cpc.json}
work=$(mktemp -d); trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT
"$vetan" generate --profile "$profile" --rows "$rows" --month 2026-11 --faults 0.02 --out "$work/master.csv"
token=$("$vetan" tokens --role admin --file "$work/tokens" | sed -n 's/^token: //p')
"$vetan" serve --profile "$profile" --employees "$work/master.csv" --data "$work/data" --tokens "$work/tokens" \
  --listen 127.0.0.1:18181 --date 2026-11-05 > "$work/log" &
server=$!
until grep -q listening "$work/log"; do sleep 0.2; done
curl -s -H "Authorization: Bearer $token" -X POST localhost:18181/v1/runs -d '{"month":"2026-11","wait":true}' >/dev/null
ids=$(cut -d, -f1 "$work/master.csv" | sed -n '2,2001p' | paste -sd,)
export TOKEN=$token IDS=$ids
echo "== payslip reads"; wrk -t2 -c32 -d15s --latency -s "$(dirname "$0")/payslips.lua" http://127.0.0.1:18181/
echo "== payslip reads while a full run computes"
curl -s -H "Authorization: Bearer $token" -X POST localhost:18181/v1/runs -d '{"month":"2026-11"}' >/dev/null
wrk -t2 -c32 -d15s --latency -s "$(dirname "$0")/payslips.lua" http://127.0.0.1:18181/
curl -s -H "Authorization: Bearer $token" localhost:18181/v1/runs | tail -c 400; echo
