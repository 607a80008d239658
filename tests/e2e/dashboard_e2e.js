// Drives the dashboard in headless Chromium (Debian chromium via npm playwright-core):
// the page loads, the map shows the seeded hexes, a new event appears in the live feed
// within 2 s, and a screenshot is saved. Args: URL TOKEN SEED_TOOL DB_URL SCREENSHOT PROFILE
'use strict';
const { chromium } = require('playwright-core');
const { execFileSync } = require('child_process');

const [url, token, seed, db, shot, profile] = process.argv.slice(2);

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
    await page.addInitScript((t) => localStorage.setItem('css-token', t), token);
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForFunction(() => Number(document.getElementById('map').dataset.hexes || 0) > 0,
                               null, { timeout: 15000 });
    const hexes = await page.locator('#map path.leaflet-interactive').count();
    if (hexes < 1) throw new Error('no hexes drawn on the map');
    await page.waitForFunction(() => document.getElementById('live-dot').classList.contains('on'),
                               null, { timeout: 5000 });
    await page.waitForFunction(() => document.querySelectorAll('#devices tbody tr').length > 0,
                               null, { timeout: 5000 });
    const t0 = Date.now();
    const id = execFileSync(seed, [db, '--event', '-23.5505', '-46.6333']).toString().trim();
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
