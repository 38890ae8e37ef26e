#!/usr/bin/env bash
# Run a command with a shared Redis cache (CACHE_URL), as several app servers would use it.
#   - CACHE_URL or REDIS_URL already set → use that server as it is.
#   - otherwise start a private throw-away redis-server on a free loopback port (no
#     persistence, its files in a temporary folder), run the command with CACHE_URL set, and
#     stop it (shutdown nosave) and delete the folder on exit, also when the command fails.
#   - no redis-server: install Debian's package with apt-get when root; failing that, a loud
#     warning and the command runs WITHOUT Redis on a developer machine, a failure under CI.
set -euo pipefail

if [[ -n "${CACHE_URL:-}${REDIS_URL:-}" ]]; then
  echo "== Redis: using CACHE_URL/REDIS_URL's server"
  exec "$@"
fi

if ! command -v redis-server >/dev/null && [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
  echo "== redis-server missing: apt-get install -y redis-server"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server) \
    > /tmp/umbrella-apt-redis.log 2>&1 || cat /tmp/umbrella-apt-redis.log
fi
if ! command -v redis-server >/dev/null; then
  echo "!!=================================================================!!"
  echo "!! redis-server is not available: running WITHOUT the Redis cache. !!"
  echo "!! Set CACHE_URL=redis://… or install the redis-server package.    !!"
  echo "!!=================================================================!!"
  if [[ -n "${CI:-}" ]]; then exit 1; fi
  exec "$@"
fi

DIR=$(mktemp -d /tmp/umbrella-redis.XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
stop_redis() {
  redis-cli -p "$PORT" shutdown nosave >/dev/null 2>&1 || true
  rm -rf "$DIR"
}
trap stop_redis EXIT

redis-server --port "$PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
  --dir "$DIR" --logfile "$DIR/redis.log" --pidfile "$DIR/redis.pid"
for _ in $(seq 50); do  # wait until it answers (daemonize returns before it listens)
  redis-cli -p "$PORT" ping >/dev/null 2>&1 && break
  sleep 0.1
done
redis-cli -p "$PORT" ping >/dev/null || { cat "$DIR/redis.log"; exit 1; }
export CACHE_URL="redis://127.0.0.1:$PORT/0"
echo "== Redis $(redis-server --version | awk '{print $3}' | cut -d= -f2): throw-away server on 127.0.0.1:$PORT"
"$@"
