#!/usr/bin/env bash
# init-secrets.sh: the compose file's one-shot `secrets` service (broker image, as root).
# Makes, once, what the broker, ingest and the database need, in the shared volumes:
#   /etc/mosquitto/certs     ca.pem, server.pem/.key (make-certs.sh; SAN: localhost,
#                            127.0.0.1 and the compose service name `mosquitto`)
#   /etc/mosquitto/secrets   passwd (Mosquitto hashes), ingest.password (citysafe ingest),
#                            postgres.password + pgpass (the `postgres` profile)
# Idempotent: existing files are kept, so certificates and passwords survive `up` again.
# `init-secrets.sh add-device ID` adds (or resets) broker user ID, the edge node's device id,
# with a new random password printed once on stdout; then SIGHUP the broker.
# Users of other containers: citysafe = uid 10001 (runtime image), mosquitto (this image).
# CSS_CERTS_DIR / CSS_SECRETS_DIR move both folders (tests/ship/broker_secrets_test.sh).
set -euo pipefail
certs=${CSS_CERTS_DIR:-/etc/mosquitto/certs}
secrets=${CSS_SECRETS_DIR:-/etc/mosquitto/secrets}
app_uid=10001
say() { printf 'init-secrets: %s\n' "$*" >&2; }

mkdir -p "$secrets"
make-certs.sh "$certs" --server-name "${CSS_BROKER_NAME:-mosquitto}" >/dev/null
# The broker reads them after it drops to `mosquitto`; ca.key stays root-only (0600).
chmod 0755 "$certs"
chown mosquitto: "$certs/server.key" && chmod 0644 "$certs/ca.pem" "$certs/server.pem"

new_password() { head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
umask 077
if [ "${1:-}" = add-device ]; then
  id=${2:-}
  [[ "$id" =~ ^[A-Za-z0-9._-]{1,64}$ ]] || { say "add-device ID: 1-64 characters from A-Z a-z 0-9 . _ -"; exit 2; }
  [ -s "$secrets/passwd" ] || { say "no $secrets/passwd yet: run without arguments first"; exit 1; }
  pw=$(new_password)
  mosquitto_passwd -b "$secrets/passwd" "$id" "$pw"
  chown mosquitto: "$secrets/passwd"
  say "broker user '$id' set; reload the broker (SIGHUP) to use it"
  printf '%s\n' "$pw"
  exit 0
fi
if [ ! -s "$secrets/ingest.password" ]; then
  new_password >"$secrets/ingest.password"
  say "made the ingest password"
fi
if [ ! -s "$secrets/passwd" ]; then
  mosquitto_passwd -c -b "$secrets/passwd" ingest "$(head -n 1 "$secrets/ingest.password")"
  say "made the broker password file (add devices: mosquitto_passwd -b $secrets/passwd ID PASS)"
fi
if [ ! -s "$secrets/postgres.password" ]; then
  new_password >"$secrets/postgres.password"
  printf 'postgres:5432:citysafe:citysafe:%s\n' "$(cat "$secrets/postgres.password")" >"$secrets/pgpass"
fi
chown mosquitto: "$secrets/passwd"
chown "$app_uid:$app_uid" "$secrets/ingest.password" "$secrets/pgpass"
# The db image reads it as root before it drops to postgres.
chown root: "$secrets/postgres.password"
chmod 0755 "$secrets"
say "ready: $certs, $secrets"
