#!/usr/bin/env bash
# ship_db_entrypoint: the compose `postgres` profile's database without Docker. Runs
# deploy/docker/db-entrypoint.sh (the `db` image's command) on an empty temp data folder,
# listening on a free loopback port; then, as ingest and the API would, `citysafe store
# migrate` connects as role `citysafe` with the password from a PGPASSFILE (scram-sha-256),
# PostGIS answers, a wrong password is refused, and a restart on the same folder keeps the
# data (no second initdb). Stops the server. Exit 77 (skip) without PostgreSQL 15 + PostGIS.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${CSS_BUILD_DIR:-$root/build}/bin/citysafe
pgbin=/usr/lib/postgresql/15/bin
skip() { echo "SKIPPED: $*"; [ "${CI:-}" = true ] && exit 1; exit 77; }
[ -x "$pgbin/postgres" ] || skip "PostgreSQL 15 is not installed (Debian postgresql-15, base group)"
[ -f /usr/share/postgresql/15/extension/postgis.control ] || skip "PostGIS is not installed (postgresql-15-postgis-3)"
[ "$(id -u)" -eq 0 ] || skip "db-entrypoint.sh drops to the postgres user: run as root (as the container does)"
[ -x "$bin" ] || skip "$bin is not built"

tmp=$(mktemp -d /tmp/css-db-entrypoint.XXXXXX)
chmod 0755 "$tmp"
pid=
stop() {
  [ -d "$tmp/data" ] && runuser -u postgres -- "$pgbin/pg_ctl" -D "$tmp/data" -m fast -w stop >/dev/null 2>&1 || true
  [ -n "$pid" ] && wait "$pid" 2>/dev/null || true
  pid=
}
trap 'stop; rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; tail -n 30 "$tmp/db.log"; exit 1; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
pw=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
(umask 077; printf '%s\n' "$pw" >"$tmp/postgres.password"
 printf '127.0.0.1:%s:citysafe:citysafe:%s\n' "$port" "$pw" >"$tmp/pgpass"
 printf '127.0.0.1:%s:citysafe:citysafe:wrong\n' "$port" >"$tmp/pgpass-wrong")

start() {
  PGDATA=$tmp/data CSS_POSTGRES_PASSWORD_FILE=$tmp/postgres.password CSS_PG_LISTEN=127.0.0.1 \
    CSS_PG_PORT=$port "$root/deploy/docker/db-entrypoint.sh" >>"$tmp/db.log" 2>&1 &
  pid=$!
  for _ in $(seq 300); do  # bounded: 30 s (initdb on a loaded machine)
    "$pgbin/pg_isready" -q -h 127.0.0.1 -p "$port" && return 0
    kill -0 "$pid" 2>/dev/null || fail "db-entrypoint.sh exited"
    sleep 0.1
  done
  fail "PostgreSQL did not accept connections on 127.0.0.1:$port"
}
url="postgresql://citysafe@127.0.0.1:$port/citysafe"
start
PGPASSFILE=$tmp/pgpass "$bin" store migrate --store "$url" >/dev/null || fail "store migrate as citysafe failed"
postgis=$(PGPASSFILE=$tmp/pgpass psql -h 127.0.0.1 -p "$port" -U citysafe -d citysafe -tAc 'SELECT postgis_lib_version()') \
  || fail "no PostGIS in database citysafe"
echo "PostGIS $postgis in database citysafe, schema migrated as role citysafe"
if PGPASSFILE=$tmp/pgpass-wrong "$bin" store info --store "$url" >/dev/null 2>&1; then
  fail "a wrong password was accepted"
fi
stop
start  # the same folder: no second initdb, the schema is still there
grep -c 'initialised' "$tmp/db.log" | grep -qx 1 || fail "the second start initialised the folder again"
PGPASSFILE=$tmp/pgpass "$bin" store info --store "$url" | grep -q schema_version || fail "store info after restart"
echo "ok: db-entrypoint.sh (initdb once, role + database + postgis, scram via PGPASSFILE)"
