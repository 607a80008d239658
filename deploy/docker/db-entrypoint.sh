#!/usr/bin/env bash
# db-entrypoint.sh: the `db` image (Debian PostgreSQL 15 + PostGIS 3). On an empty data
# volume: initdb (scram-sha-256), a `citysafe` role whose password is the first line of
# $CSS_POSTGRES_PASSWORD_FILE, a `citysafe` database with the postgis extension. Then runs
# postgres in the foreground as the postgres user, listening on every interface of the
# container network (port 5432; the compose file publishes nothing).
# CSS_PG_LISTEN / CSS_PG_PORT change address and port (tests/ship/db_entrypoint_test.sh runs
# it on loopback).
set -euo pipefail
data=${PGDATA:-/var/lib/postgresql/data}
bin=/usr/lib/postgresql/15/bin
pwfile=${CSS_POSTGRES_PASSWORD_FILE:?set CSS_POSTGRES_PASSWORD_FILE to the password file}
listen=${CSS_PG_LISTEN:-*}
export PGPORT=${CSS_PG_PORT:-5432}  # postgres, pg_ctl and psql all read it
install -d -o postgres -g postgres -m 0700 "$data"
install -d -o postgres -g postgres /run/postgresql
as_pg() { runuser -u postgres -- "$@"; }
if [ ! -s "$data/PG_VERSION" ]; then
  as_pg "$bin/initdb" -D "$data" --auth-local=peer --auth-host=scram-sha-256 -E UTF8 >/dev/null
  printf "listen_addresses = '%s'\n" "$listen" >>"$data/postgresql.conf"
  printf 'host all all 0.0.0.0/0 scram-sha-256\nhost all all ::/0 scram-sha-256\n' >>"$data/pg_hba.conf"
  as_pg "$bin/pg_ctl" -D "$data" -o "-c listen_addresses=''" -w start >/dev/null
  pw=$(head -n 1 "$pwfile")
  as_pg psql -v ON_ERROR_STOP=1 -v pw="$pw" -q <<'SQL'
CREATE ROLE citysafe LOGIN PASSWORD :'pw';
CREATE DATABASE citysafe OWNER citysafe;
\c citysafe
CREATE EXTENSION postgis;
SQL
  as_pg "$bin/pg_ctl" -D "$data" -w stop >/dev/null
  echo "db-entrypoint: initialised $data (database citysafe, role citysafe, postgis)" >&2
fi
exec runuser -u postgres -- "$bin/postgres" -D "$data"
