"""The FastAPI baseline for `bench/run api`: the same two routes over the same SQLite file.

/api/v1/events?limit=100  newest events first, the same JSON shape as citysafe serve.
/api/v1/hotspots          the last 24 h binned into 250 m hexagons with Gi* z (k-ring 1) and
                          k-anonymity 5, cached 2 s per query text as citysafe serve does.
CSS_BENCH_ASYNC=1 makes the handlers `async def` (the production setup, with uvloop and
httptools chosen on the uvicorn command line); otherwise they are plain `def` (thread pool).
Env: CSS_BENCH_DB (SQLite path), CSS_BENCH_CITY_LAT/LON (projection centre).
"""
import json
import math
import os
import sqlite3
import threading
import time

from fastapi import FastAPI, Query, Request
from fastapi.responses import Response

DB = os.environ["CSS_BENCH_DB"]
LAT0 = float(os.environ.get("CSS_BENCH_CITY_LAT", "-23.5503"))
LON0 = float(os.environ.get("CSS_BENCH_CITY_LON", "-46.6339"))
SIZE = 250.0
app = FastAPI()
_local = threading.local()
_cache = {}


def db():
    c = getattr(_local, "c", None)
    if c is None:
        c = sqlite3.connect(f"file:{DB}?mode=ro", uri=True, check_same_thread=False)
        _local.c = c
    return c


def events(limit):
    rows = db().execute(
        "SELECT id, device, seq, ts, type, probability, vx, vy, vz, lat, lon, model, schema "
        "FROM events ORDER BY ts DESC, id DESC LIMIT ?", (limit + 1,)).fetchall()
    out = []
    for r in rows[:limit]:
        e = {"schema": r[12], "id": r[0], "device": r[1], "seq": r[2], "timestamp": r[3],
             "event": r[4], "probability": r[5], "vector": [r[6], r[7], r[8]]}
        if r[9] is not None:
            e["lat"], e["lon"] = r[9], r[10]
        e["model"] = r[11]
        out.append(e)
    cursor = f"{rows[limit - 1][3]!r}_{rows[limit - 1][0]}" if len(rows) > limit else None
    return {"events": out, "next_cursor": cursor}


def hex_of(lat, lon):
    x = (lon - LON0) * 111320.0 * math.cos(math.radians(LAT0))
    y = (lat - LAT0) * 110540.0
    q = (math.sqrt(3) / 3 * x - y / 3) / SIZE
    r = (2 / 3 * y) / SIZE
    cx, cz = q, r
    cy = -cx - cz
    rx, ry, rz = round(cx), round(cy), round(cz)
    dx, dy, dz = abs(rx - cx), abs(ry - cy), abs(rz - cz)
    if dx > dy and dx > dz:
        rx = -ry - rz
    elif dy > dz:
        ry = -rx - rz
    else:
        rz = -rx - ry
    return rx, rz


def hotspots(query):
    now = time.time()
    hit = _cache.get(query)
    if hit and now - hit[0] < 2.0:
        return hit[1]
    rows = db().execute("SELECT lat, lon FROM events WHERE ts >= ? AND ts < ? AND lat IS NOT NULL",
                        (now - 86400, now)).fetchall()
    counts = {}
    for lat, lon in rows:
        c = hex_of(lat, lon)
        counts[c] = counts.get(c, 0) + 1
    cells = set(counts)
    for (q, r) in list(counts):
        for dq, dr in ((1, 0), (-1, 0), (0, 1), (0, -1), (1, -1), (-1, 1)):
            cells.add((q + dq, r + dr))
    n = len(cells)
    vals = [counts.get(c, 0) for c in cells]
    mean = sum(vals) / n
    s = math.sqrt(max(sum(v * v for v in vals) / n - mean * mean, 1e-12))
    feats = []
    for (q, r) in cells:
        ring = [(q, r), (q + 1, r), (q - 1, r), (q, r + 1), (q, r - 1), (q + 1, r - 1), (q - 1, r + 1)]
        w = len(ring)
        total = sum(counts.get(c, 0) for c in ring)
        z = (total - mean * w) / (s * math.sqrt((n * w - w * w) / (n - 1)))
        cnt = counts.get((q, r), 0)
        if 0 < cnt < 5 or (cnt == 0 and z <= 0):
            continue
        b = 3 if z > 2.576 else 2 if z > 1.96 else 1 if z > 1.645 else 0
        feats.append({"type": "Feature", "id": f"h:{q}:{r}",
                      "geometry": {"type": "Point", "coordinates": [q, r]},
                      "properties": {"cell": f"h:{q}:{r}", "count": cnt, "z": round(z, 6), "bin": b}})
    body = json.dumps({"type": "FeatureCollection", "features": feats,
                       "metadata": {"events_used": len(rows)}}).encode()
    _cache[query] = (now, body)
    return body


if os.environ.get("CSS_BENCH_ASYNC") == "1":
    @app.get("/api/v1/events")
    async def get_events(limit: int = Query(100, ge=1, le=1000)):
        return events(limit)

    @app.get("/api/v1/hotspots")
    async def get_hotspots(request: Request):
        return Response(hotspots(str(request.url.query)), media_type="application/geo+json")
else:
    @app.get("/api/v1/events")
    def get_events(limit: int = Query(100, ge=1, le=1000)):
        return events(limit)

    @app.get("/api/v1/hotspots")
    def get_hotspots(request: Request):
        return Response(hotspots(str(request.url.query)), media_type="application/geo+json")
