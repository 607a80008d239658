#!/usr/bin/env bash
# End-to-end test of the dashboard: a seeded store, `citysafe serve`, headless Chromium through
# playwright-core. Usage: dashboard_e2e.sh BUILD_DIR SOURCE_DIR
# Exit 0 = pass; 77 = skipped (chromium or playwright-core missing: scripts/bootstrap).
set -euo pipefail
build=$1 src=$2
[ -x "$build/bin/api_seed" ] || { echo "SKIP: $build/bin/api_seed not built"; exit 77; }
[ -x /usr/bin/chromium ] || { echo "SKIP: /usr/bin/chromium missing (scripts/bootstrap)"; exit 77; }
[ -f "$src/node_modules/playwright-core/package.json" ] || { echo "SKIP: npm playwright-core missing"; exit 77; }
tmp=$(mktemp -d)
pid=
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
db="sqlite://$tmp/events.db"
"$build/bin/api_seed" "$db" "$src/cities/sao-paulo.toml" 20 1 30 >/dev/null
token=$("$build/bin/citysafe" token create --tokens "$tmp/tokens" --scope read --name e2e 2>/dev/null)
"$build/bin/citysafe" serve --db "$db" --port 0 --city sao-paulo --tokens "$tmp/tokens" \
  --web "$src/web" --npm "$src/node_modules" 2>"$tmp/serve.log" &
pid=$!
port=
for _ in $(seq 1 100); do
  port=$(sed -n 's/.*on http:\/\/127\.0\.0\.1:\([0-9]*\)\/.*/\1/p' "$tmp/serve.log" | head -n 1)
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || { cat "$tmp/serve.log"; echo "FAIL: server did not start"; exit 1; }
mkdir -p "$build/test-output"
NODE_PATH="$src/node_modules" node "$src/tests/e2e/dashboard_e2e.js" "http://127.0.0.1:$port/" "$token" \
  "$build/bin/api_seed" "$db" "$build/test-output/dashboard.png" "$tmp/chromium"
