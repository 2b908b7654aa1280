#!/bin/sh
# The system programs the tests need, shared by `npm test` and .ci/run: Java 17+ and Maven (the
# local Kafka broker, unless KAFKA_BROKERS names one), Chromium (page tests) and PostgreSQL's
# binaries (store tests, unless DATABASE_URL names a server). Installs what is missing with apt-get
# when it can (root, Debian/Ubuntu); otherwise stops at once with one line naming what is missing
# and the command that installs it, rather than letting tests fail or skip later.
# `--check` only looks, never installs. Exit 0 when everything is there.
set -u

missing_pkgs=""
missing_names=""
need() { # need <name> <debian package> <test command…>
  name=$1 pkg=$2
  shift 2
  if ! "$@" >/dev/null 2>&1; then
    missing_names="$missing_names${missing_names:+, }$name"
    missing_pkgs="$missing_pkgs${missing_pkgs:+ }$pkg"
  fi
}

java_ok() { command -v java && java -version; }
postgres_ok() { ls /usr/lib/postgresql/*/bin/initdb || command -v initdb; }
chromium_ok() { [ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; }

check_all() {
  missing_pkgs="" missing_names=""
  if [ -z "${KAFKA_BROKERS:-}" ]; then
    need "Java 17+ (local Kafka broker)" openjdk-17-jre-headless java_ok
    need "Maven (Kafka jars)" maven command -v mvn
  fi
  need "Chromium (page tests)" chromium chromium_ok
  [ -n "${DATABASE_URL:-}" ] || need "PostgreSQL (store tests)" postgresql postgres_ok
}

check_all
[ -z "$missing_pkgs" ] && exit 0

can_install=0
if [ "${1:-}" != "--check" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  can_install=1
fi
if [ "$can_install" = 0 ]; then
  echo "missing: $missing_names. Install with: sudo apt-get install -y $missing_pkgs (or set KAFKA_BROKERS / DATABASE_URL / CHROMIUM_PATH to ones you have)" >&2
  exit 1
fi

echo "installing with apt-get: $missing_pkgs" >&2
apt-get update -qq >/dev/null &&
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing_pkgs >/dev/null || {
  echo "apt-get could not install: $missing_pkgs (run: apt-get install -y $missing_pkgs)" >&2
  exit 1
}
check_all
if [ -n "$missing_pkgs" ]; then
  echo "still missing after apt-get: $missing_names" >&2
  exit 1
fi
