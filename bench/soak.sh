#!/usr/bin/env bash
# Soak test: the web application with 200 signed-in members of staff doing their roles'
# mix of pages and forms (a pause of 10 s on average between requests) for 10 minutes
# after a minute's warm-up, on SQLite and, when PERMANENCE_SOAK_POSTGRES is set, on
# PostgreSQL: zero errors, memory flat, every page's latency recorded (bench/README.md).
# A release build of the load driver (crates/bench/src/bin/load.rs, --traffic staff).
#
# Usage: bench/soak.sh [--duration 10m] [--warmup 60s] [--sessions 200] [--think-ms 10000]
#                      [--out-dir DIR] [--skip-sqlite] [other options of the load driver]
#   PERMANENCE_SOAK_POSTGRES=postgres://USER:PASSWORD@HOST:PORT/DATABASE
#       also soak on this PostgreSQL database, which must be empty (new, or emptied:
#       PERMANENCE_SOAK_POSTGRES_RESET=1 has psql drop and recreate its public schema
#       first: everything in it is lost).
# Results: DIR/soak-sqlite.json and DIR/soak-postgres.json (default DIR:
# ${TMPDIR:-/tmp}/permanence-soak). Exit status 1 if any soak failed, 2 on an error.
set -euo pipefail
cd "$(dirname "$0")/.."

duration=10m
warmup=60s
sessions=200
think_ms=10000
out_dir="${TMPDIR:-/tmp}/permanence-soak"
skip_sqlite=
rest=()
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --sessions) sessions="$2"; shift 2 ;;
    --think-ms) think_ms="$2"; shift 2 ;;
    --out-dir) out_dir="$2"; shift 2 ;;
    --skip-sqlite) skip_sqlite=1; shift ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) rest+=("$1"); shift ;;
  esac
done
mkdir -p "$out_dir"

cargo build --release --quiet -p permanence-bench --bin load
soak() {
  cargo run --release --quiet -p permanence-bench --bin load -- \
    --traffic staff --sessions "$sessions" --think-ms "$think_ms" \
    --warmup "$warmup" --duration "$duration" "$@" ${rest[@]+"${rest[@]}"}
}

status=0
if [ -z "$skip_sqlite" ]; then
  echo "== SQLite =="
  soak --out "$out_dir/soak-sqlite.json" || status=$(( $? > status ? $? : status ))
fi

if [ -n "${PERMANENCE_SOAK_POSTGRES:-}" ]; then
  echo
  echo "== PostgreSQL =="
  if [ "${PERMANENCE_SOAK_POSTGRES_RESET:-}" = 1 ]; then
    PGOPTIONS='-c client_min_messages=warning' psql "$PERMANENCE_SOAK_POSTGRES" -v ON_ERROR_STOP=1 -qc \
      'DROP SCHEMA public CASCADE; CREATE SCHEMA public;'
  fi
  soak --db "$PERMANENCE_SOAK_POSTGRES" --out "$out_dir/soak-postgres.json" \
    || status=$(( $? > status ? $? : status ))
else
  echo
  echo "PostgreSQL: not soaked (set PERMANENCE_SOAK_POSTGRES to a database URL)"
fi
exit "$status"
