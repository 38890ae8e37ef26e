#!/usr/bin/env bash
# Run one command against a throw-away PostgreSQL cluster with the DEFAULT durability settings
# (fsync, synchronous_commit and full_page_writes stay on, as in production), unlike
# scripts/with-postgres.sh, which turns them off to make the test suite fast. For benchmarks
# run on their own, e.g.:
#   benchmarks/with-default-postgres.sh .venv/bin/python benchmarks/bench_import.py
# The cluster is stopped and deleted on exit, also when the command fails.
set -euo pipefail

PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [[ -z "$PGBIN" ]]; then
  echo "PostgreSQL binaries not found (apt-get install -y postgresql)." >&2
  exit 1
fi
CLUSTER=$(mktemp -d /tmp/umbrella-bench-pg.XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
as_owner=()
if [[ $(id -u) -eq 0 ]]; then
  chown postgres: "$CLUSTER"  # initdb refuses to run as root
  as_owner=(runuser -u postgres --)
fi
stop_cluster() {
  "${as_owner[@]}" "$PGBIN/pg_ctl" -D "$CLUSTER/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$CLUSTER"
}
trap stop_cluster EXIT

"${as_owner[@]}" "$PGBIN/initdb" -D "$CLUSTER/data" -U postgres --auth=trust -E UTF8 \
  --locale=C.UTF-8 >"$CLUSTER/initdb.log" 2>&1 || { cat "$CLUSTER/initdb.log"; exit 1; }
# Defaults only: no fsync=off, synchronous_commit=off or full_page_writes=off here.
"${as_owner[@]}" "$PGBIN/pg_ctl" -D "$CLUSTER/data" -l "$CLUSTER/server.log" -w start \
  -o "-p $PORT -k $CLUSTER -c listen_addresses=127.0.0.1" >/dev/null \
  || { cat "$CLUSTER/server.log"; exit 1; }
"$PGBIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -qc "CREATE DATABASE umbrella_bench;" >/dev/null
export DATABASE_URL="postgres://postgres@127.0.0.1:$PORT/umbrella_bench"
echo "== PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') (default settings) on 127.0.0.1:$PORT"
# For commands that make more databases or keep files there (benchmarks/run.sh).
export BENCH_PGBIN="$PGBIN" BENCH_PGPORT="$PORT" BENCH_PGCLUSTER="$CLUSTER"
"$@"
