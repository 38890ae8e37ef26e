#!/usr/bin/env bash
# Make sure Debian's Chromium is there for the browser tests (Playwright cannot download
# browsers here). Installs it with apt-get when missing and possible; the browser tests
# themselves fail under CI, and skip loudly elsewhere, if it is still missing.
set -uo pipefail
CHROMIUM=${CHROMIUM_PATH:-/usr/bin/chromium}
# Both lanes of `make test` run browser tests: the second waits here while the first installs.
exec 9>/tmp/umbrella-ensure-chromium.lock
flock 9
if [[ -x "$CHROMIUM" ]]; then exit 0; fi
if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
  echo "== Chromium missing: apt-get install -y chromium"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) \
    > /tmp/umbrella-apt-chromium.log 2>&1 || cat /tmp/umbrella-apt-chromium.log
fi
if [[ ! -x "$CHROMIUM" ]]; then
  echo "!! Chromium is not available at $CHROMIUM: the browser tests cannot run."
  [[ -n "${CI:-}" ]] && exit 1
fi
exit 0
