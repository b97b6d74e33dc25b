#!/usr/bin/env bash
# The conformance kit's worked cases (KIT/cases, HANDCHECK.md): every case must pass.
# usage: conformance_cases.sh VETAN KIT   (KIT: ../shared/conformance or tests/conformance-kit;
# exit 77, a skip, when it is absent)
set -u
vetan=${1:?usage: conformance_cases.sh VETAN KIT}
kit=${2:?usage: conformance_cases.sh VETAN KIT}
if [ ! -f "$kit/run_cases.sh" ]; then
  echo "SKIP: the conformance kit is absent ($kit); set -DVETAN_SHARED_DIR=..."
  exit 77
fi
cases=0
for c in "$kit"/cases/*/; do [ -f "$c/employees.csv" ] && cases=$((cases + 1)); done
output=$(bash "$kit/run_cases.sh" "$vetan run" 2>&1)
status=$?
echo "$output"
last=$(printf '%s\n' "$output" | tail -n 1)
if [ "$status" -ne 0 ] || [ "$last" != "$cases passed, 0 failed" ] || [ "$cases" -eq 0 ]; then
  echo "conformance_cases: expected '$cases passed, 0 failed', got '$last' (exit $status)"
  exit 1
fi
