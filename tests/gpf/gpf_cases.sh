#!/usr/bin/env bash
# The worked GPF cases of the conformance kit (gpf.md §4-§5): run_gpf_cases.sh must pass
# every one. usage: gpf_cases.sh VETAN KIT   (exit 77, a skip, when the kit is absent)
set -u
vetan=${1:?usage: gpf_cases.sh VETAN KIT}
kit=${2:?usage: gpf_cases.sh VETAN KIT}
if [ ! -x "$kit/run_gpf_cases.sh" ] || [ ! -d "$kit/cases-gpf" ]; then
  echo "SKIP: the GPF conformance kit is absent ($kit/run_gpf_cases.sh)"
  exit 77
fi
"$kit/run_gpf_cases.sh" "$vetan gpf"
