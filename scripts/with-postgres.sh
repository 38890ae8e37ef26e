#!/usr/bin/env bash
# Run a command against PostgreSQL.
#   - DATABASE_URL pointing at postgres:// → use that server as it is.
#   - otherwise start a private throw-away cluster from the PostgreSQL binaries on a free
#     loopback port, run the command with DATABASE_URL set, and stop and delete the cluster on
#     exit (also when the command fails).
#   - no binaries: install them with apt-get when root; failing that, a loud warning (exit 0)
#     on a developer machine, and a failure under CI. Never a silent skip.
set -euo pipefail

if [[ "${DATABASE_URL:-}" == postgres://* || "${DATABASE_URL:-}" == postgresql://* ]]; then
  echo "== PostgreSQL: using DATABASE_URL's server"
  exec "$@"
fi

find_pgbin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
PGBIN=$(find_pgbin || true)
if [[ -z "$PGBIN" && $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
  echo "== PostgreSQL binaries missing: apt-get install -y postgresql"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) \
    > /tmp/umbrella-apt-postgresql.log 2>&1 || cat /tmp/umbrella-apt-postgresql.log
  PGBIN=$(find_pgbin || true)
fi
if [[ -z "$PGBIN" ]]; then
  echo "!!================================================================!!"
  echo "!! PostgreSQL is not available: the PostgreSQL suite did NOT run.   !!"
  echo "!! Set DATABASE_URL=postgres://… or install the postgresql package. !!"
  echo "!!================================================================!!"
  if [[ -n "${CI:-}" ]]; then exit 1; fi
  exit 0
fi

CLUSTER=$(mktemp -d /tmp/umbrella-pg.XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
as_owner=()
if [[ $(id -u) -eq 0 ]]; then
  # initdb refuses to run as root.
  chown postgres: "$CLUSTER"
  as_owner=(runuser -u postgres --)
fi
stop_cluster() {
  "${as_owner[@]}" "$PGBIN/pg_ctl" -D "$CLUSTER/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$CLUSTER"
}
trap stop_cluster EXIT

"${as_owner[@]}" "$PGBIN/initdb" -D "$CLUSTER/data" -U postgres --auth=trust -E UTF8 \
  --locale=C.UTF-8 >"$CLUSTER/initdb.log" 2>&1 || { cat "$CLUSTER/initdb.log"; exit 1; }
"${as_owner[@]}" "$PGBIN/pg_ctl" -D "$CLUSTER/data" -l "$CLUSTER/server.log" -w start \
  -o "-p $PORT -k $CLUSTER -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  >/dev/null || { cat "$CLUSTER/server.log"; exit 1; }
"$PGBIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -qc "CREATE DATABASE umbrella;" >/dev/null
# Clients connect through the cluster's Unix socket: each query's round trip is shorter than
# over loopback TCP, which the test suites (tens of thousands of small queries) feel.
SOCKET_DIR=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$CLUSTER")
export DATABASE_URL="postgres://postgres@$SOCKET_DIR:$PORT/umbrella"
echo "== PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}'): throw-away cluster on 127.0.0.1:$PORT"
"$@"
