#!/usr/bin/env bash
# `make bench`: start a throw-away PostgreSQL cluster with the DEFAULT durability settings
# (fsync, synchronous_commit and full_page_writes stay on: figures quoted from a database must
# come from a database configured as in production), load the model case and the large
# synthetic project, then run the page benchmarks, the overlap and AMSTAR 2 timings, the read
# API's paginated results (bench_api.py), the HTTP load test (anonymous, then logged-in), the
# first page after a write and two servers on one Redis (bench_after_write.py), two releases of
# the large project (bench_releases.py), and the workbook import
# against loaddata. The figures are printed as a
# table and written to benchmarks/results.json.
# The cluster is stopped and deleted on exit, also when a step fails.
#
#   benchmarks/run.sh                  # everything
#   BENCH_SKIP_LOAD=1 benchmarks/run.sh  # pages and computations only
#   BENCH_ONLY=load benchmarks/run.sh    # the HTTP load test alone (anonymous, then members)
set -euo pipefail
case "${BENCH_ONLY:-}" in
  ""|load) ;;
  *) echo "BENCH_ONLY=${BENCH_ONLY}: only 'load' (or unset, for everything) is known." >&2; exit 2 ;;
esac
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}

# The cluster comes from with-default-postgres.sh, which runs this script again inside it,
# with a throw-away Redis as the shared cache (scripts/with-redis.sh), as several servers use it.
if [[ -z "${BENCH_PGPORT:-}" ]]; then
  exec benchmarks/with-default-postgres.sh scripts/with-redis.sh "$0" "$@"
fi
PGBIN=$BENCH_PGBIN PORT=$BENCH_PGPORT CLUSTER=$BENCH_PGCLUSTER
export DJANGO_DEBUG=false DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost,testserver"

$PY manage.py migrate --noinput -v0
$PY manage.py collectstatic --noinput -v0  # DEBUG is off: pages need the static manifest
$PY manage.py load_demo
SEED=${BENCH_SEED:-1}
/usr/bin/time -f "generate_synthetic --size large: %e s wall, %M KB max RSS" \
  $PY manage.py generate_synthetic --size large --seed "$SEED" --publish 2>&1 | tee "$CLUSTER/generate.log"
"$PGBIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -d umbrella_bench -qc "VACUUM ANALYZE;" >/dev/null

if [[ "${BENCH_ONLY:-}" == "load" ]]; then
  uptime  # the machine's load when the test starts (shared machines: say it with the figures)
  $PY benchmarks/bench_load.py --seed "$SEED"
  $PY benchmarks/report.py
  exit 0
fi

$PY benchmarks/bench_pages.py --seed "$SEED" --generate-log "$CLUSTER/generate.log"
$PY benchmarks/bench_overlap.py --ccar-only --save  # pairwise CCA at ccaR's size (issue 21)
$PY benchmarks/bench_api.py --seed "$SEED"  # the read API's paginated results (issue 19)
if [[ -z "${BENCH_SKIP_LOAD:-}" ]]; then
  $PY benchmarks/bench_load.py --seed "$SEED"  # anonymous readers, then logged-in members
fi
# The first reader after a write (background recomputation) and two servers' coherence (issue 21).
$PY benchmarks/bench_after_write.py --seed "$SEED"
# Two releases of the large project (issue 20): time to publish one, what each stores. Last
# of the benchmarks on this database: it moves one estimate and adds two frozen copies.
$PY benchmarks/bench_releases.py --seed "$SEED"
# Workbook import vs loaddata (issue 8), in a database of its own (it empties its database).
# A quarter of the full 100k results + 200k links keeps loaddata's half to a few minutes;
# BENCH_IMPORT_SCALE=1 for the full size.
"$PGBIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -qc "CREATE DATABASE umbrella_import;" >/dev/null
DATABASE_URL="postgres://postgres@127.0.0.1:$PORT/umbrella_import" \
  $PY benchmarks/bench_import.py --scale "${BENCH_IMPORT_SCALE:-0.25}" --json
$PY benchmarks/report.py
