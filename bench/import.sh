#!/usr/bin/env bash
# Import benchmarks (issue: foundation). Prints wall time and peak memory of
#   1. one 2,000-children borough, six collection years (target: under 1 s);
#   2. a national-scale history, 100,000 children over ten collection years
#      (target: under 10 s and under 1 GB peak memory on 2 cores).
# Usage: bench/import.sh [WORK_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
work="${1:-$(mktemp -d)}"
cargo build --release --quiet
bin="$PWD/target/release/permanence"

measure() { # label, db, paths...
  local label="$1" db="$2"; shift 2
  rm -f "$db"
  local start end
  start=$(date +%s%N)
  /usr/bin/time -f "%M" -o "$work/mem" "$bin" --db "$db" import 903 "$@" >/dev/null 2>"$work/err" || { cat "$work/err"; exit 1; }
  end=$(date +%s%N)
  printf '%-45s %6d ms   peak %5d MB\n' "$label" "$(( (end - start) / 1000000 ))" "$(( $(cat "$work/mem") / 1024 ))"
}

"$bin" synth --children 2000 --seed 1 --years 2021-2026 --out "$work/borough" >/dev/null
measure "import: 2,000 children, 6 years" "$work/borough.db" "$work/borough"

"$bin" synth --children 100000 --seed 1 --years 2017-2026 --out "$work/national" >/dev/null
measure "import: 100,000 children, 10 years" "$work/national.db" "$work/national"
