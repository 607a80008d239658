#!/usr/bin/env bash
# ship_broker_secrets: the compose stack's broker setup without Docker. Runs
# deploy/docker/init-secrets.sh (the `secrets` service) into a temp folder, starts the real
# Mosquitto on deploy/mosquitto/mosquitto.conf (only its listener moved to a free loopback
# port and its paths to that folder; it drops to the `mosquitto` user as in the image, so the
# ownership init-secrets.sh sets is tested), then connects `citysafe ingest` with the
# compose file's flags (TLS, user ingest, the generated password file) until its /health
# answers, checks a wrong password is refused, adds a device (`add-device`, SIGHUP) that then
# publishes, runs init-secrets.sh again (idempotent: same CA, same password), stops everything. Exit 77 (skip) without mosquitto or its user.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${CSS_BUILD_DIR:-$root/build}/bin/citysafe
skip() { echo "SKIPPED: $*"; [ "${CI:-}" = true ] && exit 1; exit 77; }
[ -x /usr/sbin/mosquitto ] || skip "/usr/sbin/mosquitto is not installed (Debian mosquitto, base group)"
id mosquitto >/dev/null 2>&1 || skip "no 'mosquitto' user (Debian mosquitto package)"
[ "$(id -u)" -eq 0 ] || skip "init-secrets.sh chowns files: run as root (as the container does)"
[ -x "$bin" ] || skip "$bin is not built"

tmp=$(mktemp -d /tmp/css-broker-secrets.XXXXXX)
chmod 0755 "$tmp"
broker_pid= ingest_pid=
cleanup() {
  [ -n "$ingest_pid" ] && kill "$ingest_pid" 2>/dev/null && wait "$ingest_pid" 2>/dev/null
  [ -n "$broker_pid" ] && kill "$broker_pid" 2>/dev/null && wait "$broker_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; for f in "$tmp"/*.log; do echo "--- $f"; tail -n 20 "$f"; done; exit 1; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

export CSS_CERTS_DIR=$tmp/certs CSS_SECRETS_DIR=$tmp/secrets PATH="$root/deploy/certs:$PATH"
"$root/deploy/docker/init-secrets.sh" 2>"$tmp/init.log" || fail "init-secrets.sh failed"
for f in certs/ca.pem certs/server.pem certs/server.key secrets/passwd secrets/ingest.password \
         secrets/pgpass secrets/postgres.password; do
  [ -s "$tmp/$f" ] || fail "init-secrets.sh did not write $f"
done
[ "$(stat -c %U "$tmp/secrets/passwd")" = mosquitto ] || fail "passwd is not owned by mosquitto"
[ "$(stat -c %u:%a "$tmp/secrets/ingest.password")" = 10001:600 ] || fail "ingest.password is not 10001, 0600"
ca_sum=$(sha256sum <"$tmp/certs/ca.pem")
pw=$(head -n 1 "$tmp/secrets/ingest.password")

port=$(free_port)
# The broker drops to the mosquitto user, which may not read the checkout (a clone under /root):
# the ACL is copied next to the certificates, as the container mounts it.
install -m 0644 "$root/deploy/mosquitto/acl" "$tmp/acl"
sed -e "s|^listener 8883$|listener $port 127.0.0.1|" -e "s|/etc/mosquitto/certs|$tmp/certs|" \
    -e "s|^password_file .*|password_file $tmp/secrets/passwd|" \
    -e "s|^acl_file .*|acl_file $tmp/acl|" \
    -e "s|^persistence true|persistence false|" -e "s|^persistence_location .*||" \
    "$root/deploy/mosquitto/mosquitto.conf" >"$tmp/mosquitto.conf"
grep -q "^listener $port 127.0.0.1$" "$tmp/mosquitto.conf" || fail "the production config has no 'listener 8883' line to move"
/usr/sbin/mosquitto -c "$tmp/mosquitto.conf" 2>"$tmp/mosquitto.log" &
broker_pid=$!
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done

# A wrong password is refused (the password file is in force).
if mosquitto_sub -h localhost -p "$port" --cafile "$tmp/certs/ca.pem" -u ingest -P wrong \
     -t 'citysafesense/#' -C 1 -W 3 >/dev/null 2>"$tmp/sub.log"; then
  fail "the broker accepted a wrong password"
fi

mport=$(free_port)
"$bin" ingest --mqtt "localhost:$port" --tls-cert "$tmp/certs/ca.pem" --username ingest \
  --password-file "$tmp/secrets/ingest.password" --db "sqlite://$tmp/citysafe.db" \
  --client-id ingest-compose-1 --metrics "127.0.0.1:$mport" 2>"$tmp/ingest.log" &
ingest_pid=$!
ok=
for _ in $(seq 150); do  # bounded: 15 s
  if "$root/deploy/docker/healthcheck.sh" "$mport" 2>/dev/null; then ok=1; break; fi
  sleep 0.1
done
[ -n "$ok" ] || fail "citysafe ingest's /health never answered 200 with the generated secrets"
echo "ingest connected over TLS as 'ingest' with the generated password; /health 200"

# A device added afterwards publishes under its own name once the broker re-reads the file.
dev_pw=$("$root/deploy/docker/init-secrets.sh" add-device pi4-edge-001 2>>"$tmp/init.log")
[ "$(stat -c %U "$tmp/secrets/passwd")" = mosquitto ] || fail "add-device left passwd not owned by mosquitto"
kill -HUP "$broker_pid"
sleep 0.5
mosquitto_pub -h localhost -p "$port" --cafile "$tmp/certs/ca.pem" -u pi4-edge-001 -P "$dev_pw" \
  -V mqttv5 -q 1 -t citysafesense/status/pi4-edge-001 -m '{}' 2>"$tmp/pub.log" \
  || fail "the added device could not publish with its new password"
echo "add-device: pi4-edge-001 published with the password it was given"

"$root/deploy/docker/init-secrets.sh" 2>>"$tmp/init.log"
[ "$(sha256sum <"$tmp/certs/ca.pem")" = "$ca_sum" ] || fail "a second run replaced the CA"
[ "$(head -n 1 "$tmp/secrets/ingest.password")" = "$pw" ] || fail "a second run changed the password"
echo "ok: init-secrets.sh + deploy/mosquitto/mosquitto.conf + citysafe ingest"
