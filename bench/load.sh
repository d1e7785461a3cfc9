#!/usr/bin/env bash
# Web load benchmark (target: against a 2,000-children borough with ten years of history,
# with 50 concurrent sessions, the child page and the home page answer in under 50 ms at
# the 95th percentile). Builds the borough, starts the real server in-process on a random
# port, signs 50 sessions in, warms up, measures, and prints count, mean, p50, p95, p99 and
# max per page with PASS or FAIL (exit status 1 on FAIL).
# Usage: bench/load.sh [OPTIONS]   (defaults: --children 2000 --years 10 --sessions 50
#        --warmup 5 --duration 30 --think-ms 0; see --help)
set -euo pipefail
cd "$(dirname "$0")/.."
exec cargo run --release --quiet -p permanence-bench --bin load -- "$@"
