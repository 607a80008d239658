// Drives the dashboard in headless Chromium (Debian chromium via npm playwright-core):
// the page loads, the map shows the seeded hexes, an event published over MQTT (TLS, password,
// as device e2e-node-1) and stored by `citysafe ingest` appears in the live feed within 2 s,
// and a screenshot is saved. Args: URL TOKEN MQTT_HOST:PORT CA_PEM PASSWORD_FILE SCREENSHOT PROFILE
'use strict';
const { chromium } = require('playwright-core');
const { execFileSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');

const [url, token, mqtt, cafile, passwordFile, shot, profile] = process.argv.slice(2);

// One event as a node publishes it (docs/event-schema.md), sent with QoS 1 under MQTT v5 to
// citysafesense/events/<device>; returns its id.
function publishEvent() {
  const device = 'e2e-node-1';
  const id = crypto.randomUUID();
  const event = {
    schema: 1, id, device, seq: 1, timestamp: Date.now() / 1000, event: 'sudden_displacement',
    probability: 0.93, vector: [0.5, -2.0, 9.0], lat: -23.5505, lon: -46.6333,
    model: 'sha256:' + '0123456789abcdef'.repeat(4),
  };
  const [host, port] = mqtt.split(':');
  const password = fs.readFileSync(passwordFile, 'utf8').trim();
  execFileSync('mosquitto_pub', ['-h', host, '-p', port, '--cafile', cafile, '-u', device,
                                 '-P', password, '-V', 'mqttv5', '-q', '1',
                                 '-t', `citysafesense/events/${device}`,
                                 '-m', JSON.stringify(event)], { stdio: ['ignore', 'ignore', 'inherit'] });
  return id;
}

async function main() {
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
           '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
  try {
    const page = browser.pages()[0] || await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    // The token arrives in the address, as `citysafe demo` prints it; the page keeps it and
    // clears the address bar.
    await page.goto(url + '#token=' + encodeURIComponent(token), { waitUntil: 'load' });
    if (page.url().includes('token=')) throw new Error('the token stayed in the address bar');
    await page.waitForFunction(() => Number(document.getElementById('map').dataset.hexes || 0) > 0,
                               null, { timeout: 15000 });
    const hexes = await page.locator('#map path.leaflet-interactive').count();
    if (hexes < 1) throw new Error('no hexes drawn on the map');
    await page.waitForFunction(() => document.getElementById('live-dot').classList.contains('on'),
                               null, { timeout: 5000 });
    await page.waitForFunction(() => document.querySelectorAll('#devices tbody tr').length > 0,
                               null, { timeout: 5000 });
    const t0 = Date.now();
    const id = publishEvent();
    await page.waitForSelector(`#feed li[data-id="${id}"]`, { timeout: 2000 });
    const ms = Date.now() - t0;
    await page.screenshot({ path: shot, fullPage: true });
    if (errors.length) throw new Error('page errors: ' + errors.join('; '));
    console.log(JSON.stringify({ hexes, feed_latency_ms: ms, screenshot: shot }));
  } finally {
    await browser.close();
  }
}

main().catch((e) => { console.error('FAIL:', e.message); process.exit(1); });
