// CitySafeSense dashboard: plain JS, no build step. Reads /api/v1 (token from the form or the
// address's #token=, kept in localStorage), draws hot-spot hexes and flow arrows on a Leaflet map (tiles only when the
// server was given --tile-url), streams /api/v1/stream into the live feed, charts counts.
'use strict';

const GI_CLASSES = [
  [3, '#b2182b', 'Hot spot, 99% confidence'],
  [2, '#ef8a62', 'Hot spot, 95%'],
  [1, '#fddbc7', 'Hot spot, 90%'],
  [0, '#f0f0f0', 'Not significant'],
  [-1, '#d1e5f0', 'Cold spot, 90%'],
  [-2, '#67a9cf', 'Cold spot, 95%'],
  [-3, '#2166ac', 'Cold spot, 99%'],
];
const colourOf = (bin) => (GI_CLASSES.find((c) => c[0] === bin) || GI_CLASSES[3])[1];
const DURATIONS = { '1h': 3600, '6h': 21600, '24h': 86400, '7d': 604800, '30d': 2592000 };

// A token handed over in the address (`/#token=…`, as `citysafe demo` prints it) is kept like
// one typed into the form, then taken out of the address bar: a fragment never reaches the
// server, and it should not linger in the history either.
function tokenFromAddress() {
  const t = new URLSearchParams(location.hash.slice(1)).get('token');
  if (!t) return null;
  localStorage.setItem('css-token', t.trim());
  history.replaceState(null, '', location.pathname + location.search);
  return t.trim();
}
const state = { token: tokenFromAddress() || localStorage.getItem('css-token') || '', window: '24h', source: null, charts: {} };
const $ = (id) => document.getElementById(id);

function setStatus(text) { $('status').textContent = text; }

async function api(path) {
  const headers = state.token ? { Authorization: 'Bearer ' + state.token } : {};
  const res = await fetch(path, { headers });
  if (!res.ok) {
    let detail = res.statusText;
    try { detail = (await res.json()).detail; } catch (e) { /* not JSON */ }
    throw new Error(path.split('?')[0] + ': ' + res.status + ' ' + detail);
  }
  return res.json();
}

const map = L.map('map', { preferCanvas: false }).setView([-23.55, -46.63], 11);
const hexLayer = L.layerGroup().addTo(map);
const flowLayer = L.layerGroup().addTo(map);
let fitted = false;

function drawLegend() {
  $('legend').innerHTML = GI_CLASSES.map(([, colour, name]) =>
    `<li><span style="background:${colour}"></span>${name}</li>`).join('') +
    '<li><span style="background:none;border:none">→</span>Mean flow per cell</li>';
}

async function loadHotspots() {
  const fc = await api('/api/v1/hotspots?window=' + state.window);
  hexLayer.clearLayers();
  const layer = L.geoJSON(fc, {
    style: (f) => ({ color: '#444', weight: 0.5, fillColor: colourOf(f.properties.bin), fillOpacity: 0.65 }),
    onEachFeature: (f, l) => l.bindTooltip(
      `${f.properties.cell}: ${f.properties.count} events, ${f.properties.class} (z ${f.properties.z})`),
  });
  layer.addTo(hexLayer);
  $('map').dataset.hexes = String(fc.features.length);
  if (fc.features.length && !fitted) { map.fitBounds(layer.getBounds(), { maxZoom: 15 }); fitted = true; }
  return fc.features.length;
}

// An arrow from the cell centre along the mean velocity: 1 m/s draws ~300 m.
function arrow(lat, lon, east, north) {
  const k = 300 / 111320;
  const lat2 = lat + north * k, lon2 = lon + east * k / Math.cos(lat * Math.PI / 180);
  const ang = Math.atan2(north, east);
  const h = 0.25 * Math.hypot(lat2 - lat, lon2 - lon);
  const wing = (a) => [lat2 - h * Math.sin(ang + a), lon2 - h * Math.cos(ang + a)];
  return L.polyline([[lat, lon], [lat2, lon2], wing(0.5), [lat2, lon2], wing(-0.5)],
                    { className: 'flow-arrow', color: '#222', weight: 2 });
}

async function loadFlows() {
  const fc = await api('/api/v1/flows?window=' + state.window);
  flowLayer.clearLayers();
  for (const f of fc.features) {
    const ring = f.geometry.coordinates[0];
    const n = ring.length - 1;
    const lon = ring.slice(0, n).reduce((s, p) => s + p[0], 0) / n;
    const lat = ring.slice(0, n).reduce((s, p) => s + p[1], 0) / n;
    arrow(lat, lon, f.properties.east_mps, f.properties.north_mps)
      .bindTooltip(`${f.properties.speed_mps} m/s, divergence ${f.properties.divergence_per_s}/s`)
      .addTo(flowLayer);
  }
}

function chart(id, type, labels, data, label) {
  if (state.charts[id]) state.charts[id].destroy();
  state.charts[id] = new Chart($(id), {
    type, data: { labels, datasets: [{ label, data, backgroundColor: '#0b5394' }] },
    options: { responsive: true, maintainAspectRatio: false, animation: false,
               plugins: { legend: { display: false }, title: { display: true, text: label } } },
  });
}

async function loadCharts() {
  const from = Math.floor(Date.now() / 1000) - DURATIONS[state.window];
  const [hours, types] = await Promise.all([
    api(`/api/v1/stats?by=hour&from=${from}`), api(`/api/v1/stats?by=type&from=${from}`)]);
  chart('by-hour', 'bar', hours.counts.map((c) => c.key.slice(5, 13).replace('T', ' ') + 'h'),
        hours.counts.map((c) => c.count), 'Events per hour (UTC)');
  chart('by-type', 'bar', types.counts.map((c) => c.key.replace('_', ' ')),
        types.counts.map((c) => c.count), 'Events by type');
}

async function loadDevices() {
  const d = await api('/api/v1/devices');
  $('devices').querySelector('tbody').innerHTML = d.devices.map((x) =>
    `<tr><td>${escapeHtml(x.device)}</td><td class="${x.status}">${x.status}${x.last_will ? ' (last will)' : ''}</td>` +
    `<td>${new Date(x.last_seen * 1000).toISOString().slice(0, 19).replace('T', ' ')}</td>` +
    `<td>${Math.round(x.silent_s)} s</td></tr>`).join('');
}

function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}

function addFeedItem(text, cls) {
  const li = document.createElement('li');
  li.textContent = text;
  li.className = cls + ' fresh';
  const feed = $('feed');
  feed.insertBefore(li, feed.firstChild);
  while (feed.children.length > 200) feed.removeChild(feed.lastChild);
}

function connectStream() {
  if (state.source) state.source.close();
  const url = '/api/v1/stream' + (state.token ? '?access_token=' + encodeURIComponent(state.token) : '');
  const src = new EventSource(url);
  state.source = src;
  src.onopen = () => $('live-dot').classList.add('on');
  src.onerror = () => $('live-dot').classList.remove('on');
  src.addEventListener('event', (m) => {
    const e = JSON.parse(m.data);
    const when = new Date(e.timestamp * 1000).toISOString().slice(11, 19);
    const li = addFeedItem(`${when} ${e.event.replace('_', ' ')} · ${e.device} · p=${e.probability.toFixed(2)}`, 'event');
    document.querySelector('#feed li').dataset.id = e.id;
    return li;
  });
  src.addEventListener('alert', (m) => {
    const a = JSON.parse(m.data);
    addFeedItem(`ALERT ${a.device}: ${a.type.replace('_', ' ')} — ${a.reason}`, 'alert');
    loadDevices().catch(() => {});
  });
}

async function refresh() {
  setStatus('Loading…');
  const results = await Promise.allSettled([loadHotspots(), loadFlows(), loadCharts(), loadDevices()]);
  const failed = results.filter((r) => r.status === 'rejected').map((r) => r.reason.message);
  setStatus(failed.length ? 'Some panels failed: ' + failed.join('; ') :
    'Updated ' + new Date().toISOString().slice(11, 19) + ' UTC');
}

async function start() {
  drawLegend();
  try {
    const cfg = await (await fetch('/web/config.json')).json();
    if (cfg.tile_url) L.tileLayer(cfg.tile_url, { maxZoom: 19 }).addTo(map);
  } catch (e) { /* plain background */ }
  $('token').value = state.token;
  $('controls').addEventListener('submit', (ev) => {
    ev.preventDefault();
    state.token = $('token').value.trim();
    state.window = $('window').value;
    localStorage.setItem('css-token', state.token);
    fitted = false;
    connectStream();
    refresh();
  });
  connectStream();
  await refresh();
  setInterval(refresh, 60000);
}

start();
