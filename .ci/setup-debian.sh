#!/usr/bin/env bash
# Installs what vetan needs to build and test on Debian 12 (run as root). Idempotent.
set -euo pipefail
packages=(
  build-essential cmake ninja-build pkg-config python3
  libtbb-dev libeigen3-dev libboost-dev libsimdjson-dev libjemalloc-dev
  libbenchmark-dev libgtest-dev googletest
  libsqlite3-dev libssl-dev wrk curl
  libqrencode-dev  # the DDOs' TOTP enrolment QR codes, drawn as SVG by the server
  zbar-tools  # the web browser test decodes that QR code as the page shows it
  libxml2-dev  # vetan pay: pain.002 return files (loaders/payment), tests parse pain.001 back
  libpango1.0-dev libcairo2-dev fonts-noto-core poppler-utils
  chromium chromium-driver python3-selenium
  postgresql-15  # bench/sql and its ctest sql_equality; the serve tests' own servers (tests/serve/pg_support.py)
  libpq-dev  # vetan serve --store postgresql://… (api/serve/postgres_store.cc)
  time linux-perf  # bench/scale.py's peak memory (/usr/bin/time -v); the README's profiles
)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
# npm for the browser test's axe-core: Debian's only where the machine has no npm of its own.
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
# The web console's browser test injects axe-core (tests/web/package.json, pinned with its
# lock file; test-only, never shipped).
root=$(cd "$(dirname "$0")/.." && pwd)
if [ ! -f "$root/tests/web/node_modules/axe-core/axe.min.js" ]; then
  npm ci --prefix "$root/tests/web" --no-audit --no-fund
fi
# bench/sql (issue 13): DuckDB's engine from its npm package, pinned with its lock file.
if [ ! -d "$root/bench/sql/node_modules/@duckdb/node-api" ]; then
  npm ci --prefix "$root/bench/sql" --no-audit --no-fund
fi
