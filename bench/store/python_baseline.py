#!/usr/bin/python3
"""The seed stack's way to store events: Python's sqlite3 module, the same schema, WAL and
synchronous=FULL, one transaction per batch with executemany(INSERT OR IGNORE).
Prints one JSON line like bench_store_tool.  usage: python_baseline.py FILE EVENTS BATCH"""
import json, sqlite3, sys, time, uuid

path, n, batch = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
db = sqlite3.connect(path, isolation_level=None)
db.execute("PRAGMA journal_mode=WAL")
db.execute("PRAGMA synchronous=FULL")
db.executescript("""
CREATE TABLE events (rid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, device TEXT NOT NULL,
  seq INTEGER NOT NULL, ts REAL NOT NULL, type TEXT NOT NULL, probability REAL NOT NULL,
  vx REAL NOT NULL, vy REAL NOT NULL, vz REAL NOT NULL, lat REAL, lon REAL,
  model TEXT NOT NULL, schema INTEGER NOT NULL, received_at REAL);
CREATE INDEX events_ts ON events (ts, id);
CREATE INDEX events_device_ts ON events (device, ts, id);
CREATE INDEX events_type_ts ON events (type, ts, id);
""")

def row(i):
    # The same ids as bench_store_tool: random-looking UUIDs, as nodes mint them (version 4),
    # so both insert into the id B-tree in the same scattered order.
    raw = i.to_bytes(8, "little") + bytes([0xa5]) + bytes(7)
    return (str(uuid.UUID(bytes=raw, version=4)), f"pi4-edge-{i % 100}", i,
            1715982000.0 + i * 0.01, "sudden_displacement", 0.9, 0.12, -1.09, 3.88,
            -23.55 + (i % 97) * 1e-3, -46.63 + (i % 89) * 1e-3, "sha256:" + "a" * 64, 1,
            1715990000.0)

batches = [[row(j) for j in range(i, min(i + batch, n))] for i in range(0, n, batch)]
sql = ("INSERT OR IGNORE INTO events (id, device, seq, ts, type, probability, vx, vy, vz, lat, "
       "lon, model, schema, received_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)")

def run():
    t0 = time.perf_counter()
    for b in batches:
        db.execute("BEGIN IMMEDIATE")
        db.executemany(sql, b)
        db.execute("COMMIT")
    return time.perf_counter() - t0

append_s = run()
dup_s = run()
t0 = time.perf_counter()
for _ in range(50):
    db.execute("SELECT * FROM events WHERE device = ? AND ts >= ? ORDER BY ts, id LIMIT 1001",
               ("pi4-edge-7", 1715982000.0 + n * 0.005)).fetchall()
page_ms = (time.perf_counter() - t0) * 1000 / 50
print(json.dumps({"rows_per_s": round(n / append_s), "duplicate_rows_per_s": round(n / dup_s),
                  "page_ms": round(page_ms, 3)}))
