#!/usr/bin/env bash
# End-to-end test of the dashboard over the real data path: a seeded store (history), a real
# Mosquitto (TLS with fresh certificates, passwords, the deny-by-default ACL of deploy/mosquitto)
# on a free loopback port, `citysafe ingest` writing into the SQLite file `citysafe serve` reads,
# and headless Chromium through playwright-core; the page's new event is published over MQTT.
# Usage: dashboard_e2e.sh BUILD_DIR SOURCE_DIR
# Exit 0 = pass; 77 = skipped (chromium, playwright-core or mosquitto missing: scripts/bootstrap).
set -euo pipefail
build=$1 src=$2
[ -x "$build/bin/api_seed" ] || { echo "SKIP: $build/bin/api_seed not built"; exit 77; }
[ -x /usr/bin/chromium ] || { echo "SKIP: /usr/bin/chromium missing (scripts/bootstrap)"; exit 77; }
[ -f "$src/node_modules/playwright-core/package.json" ] || { echo "SKIP: npm playwright-core missing"; exit 77; }
for tool in /usr/sbin/mosquitto mosquitto_pub mosquitto_passwd openssl; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool missing (scripts/bootstrap)"; exit 77; }
done
tmp=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_http() {  # bounded wait until URL answers 200
  for _ in $(seq 1 100); do
    python3 -c "import urllib.request as u; u.urlopen('$1', timeout=1)" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

db="sqlite://$tmp/events.db"
"$build/bin/api_seed" "$db" "$src/cities/sao-paulo.toml" 20 1 30 >/dev/null

# The broker, set up as deploy/mosquitto describes (and as `citysafe demo` does).
"$src/deploy/certs/make-certs.sh" "$tmp/certs" >/dev/null
mport=$(free_port)
pass=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
: >"$tmp/passwd"
for user in ingest e2e-node-1; do mosquitto_passwd -b "$tmp/passwd" "$user" "$pass"; done
printf '%s\n' "$pass" >"$tmp/password" && chmod 600 "$tmp/password"
cat >"$tmp/mosquitto.conf" <<CONF
per_listener_settings false
user root
listener $mport 127.0.0.1
cafile $tmp/certs/ca.pem
certfile $tmp/certs/server.pem
keyfile $tmp/certs/server.key
allow_anonymous false
password_file $tmp/passwd
acl_file $src/deploy/mosquitto/acl
log_dest stderr
CONF
/usr/sbin/mosquitto -c "$tmp/mosquitto.conf" 2>"$tmp/mosquitto.log" &
pids+=($!)
for _ in $(seq 1 50); do  # bounded wait until the broker listens
  (exec 3<>"/dev/tcp/127.0.0.1/$mport") 2>/dev/null && break
  sleep 0.1
done

# Ingest into the very file the server reads; its /health says ok once subscriptions stand.
hport=$(free_port)
"$build/bin/citysafe" ingest --mqtt "localhost:$mport" --tls-cert "$tmp/certs/ca.pem" \
  --username ingest --password-file "$tmp/password" --db "$db" --client-id e2e-ingest \
  --metrics "127.0.0.1:$hport" 2>"$tmp/ingest.log" &
pids+=($!)
wait_http "http://127.0.0.1:$hport/health" || {
  cat "$tmp/ingest.log" "$tmp/mosquitto.log"; echo "FAIL: ingest did not become healthy"; exit 1; }

token=$("$build/bin/citysafe" token create --tokens "$tmp/tokens" --scope read --name e2e 2>/dev/null)
"$build/bin/citysafe" serve --db "$db" --port 0 --city sao-paulo --tokens "$tmp/tokens" \
  --web "$src/web" --npm "$src/node_modules" 2>"$tmp/serve.log" &
pids+=($!)
port=
for _ in $(seq 1 100); do
  port=$(sed -n 's/.*on http:\/\/127\.0\.0\.1:\([0-9]*\)\/.*/\1/p' "$tmp/serve.log" | head -n 1)
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || { cat "$tmp/serve.log"; echo "FAIL: server did not start"; exit 1; }
mkdir -p "$build/test-output"
status=0
NODE_PATH="$src/node_modules" node "$src/tests/e2e/dashboard_e2e.js" "http://127.0.0.1:$port/" "$token" \
  "localhost:$mport" "$tmp/certs/ca.pem" "$tmp/password" "$build/test-output/dashboard.png" \
  "$tmp/chromium" || status=$?
if [ "$status" -ne 0 ]; then
  echo "--- ingest.log"; tail -n 20 "$tmp/ingest.log"
  echo "--- serve.log"; tail -n 20 "$tmp/serve.log"
fi
exit "$status"
