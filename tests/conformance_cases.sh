#!/usr/bin/env bash
# The conformance kit's worked cases (KIT/cases, HANDCHECK.md; KIT/cases-pending, the rules
# added on 2026-12-02, worked in its README.md): every case of the folder must pass.
# usage: conformance_cases.sh VETAN KIT [FOLDER]   (KIT: ../shared/conformance or
# tests/conformance-kit; FOLDER: cases, the default, or cases-pending; exit 77, a skip,
# when the kit is absent)
set -u
vetan=${1:?usage: conformance_cases.sh VETAN KIT [FOLDER]}
kit=${2:?usage: conformance_cases.sh VETAN KIT [FOLDER]}
folder=${3:-cases}
if [ ! -f "$kit/run_cases.sh" ]; then
  echo "SKIP: the conformance kit is absent ($kit); set -DVETAN_SHARED_DIR=..."
  exit 77
fi
cases=0
for c in "$kit/$folder"/*/; do [ -f "$c/employees.csv" ] && cases=$((cases + 1)); done
output=$(bash "$kit/run_cases.sh" "$vetan run" "$kit/$folder" 2>&1)
status=$?
echo "$output"
last=$(printf '%s\n' "$output" | tail -n 1)
if [ "$status" -ne 0 ] || [ "$last" != "$cases passed, 0 failed" ] || [ "$cases" -eq 0 ]; then
  echo "conformance_cases ($folder): expected '$cases passed, 0 failed', got '$last' (exit $status)"
  exit 1
fi
