#!/usr/bin/env python3
"""The Python baseline of `bench/run ingest`: what the seed's stack would do with Debian's
python3-paho-mqtt and the standard sqlite3 module. One MQTT 3.1.1 client (TLS, QoS 1; paho 1.6's v5 mode dropped its connection under this
load with a broker-side protocol error), each
message parsed with json.loads, checked for the fields the store needs, inserted with
INSERT OR IGNORE and committed (sqlite3 defaults: rollback journal, synchronous FULL), so a
message is durable when its callback returns. Exits after --count rows; prints one JSON line
{"stored": N, "seconds": S} measured from the first message to the last commit.

Usage: python_baseline.py HOST PORT CA USER PASSWORD DB COUNT READY_FILE
"""
import json
import sqlite3
import sys
import time

import paho.mqtt.client as mqtt

host, port, ca, user, password, db, count, ready = sys.argv[1:9]
port, count = int(port), int(count)

conn = sqlite3.connect(db)
conn.execute(
    "CREATE TABLE IF NOT EXISTS events (id TEXT PRIMARY KEY, device TEXT, ts REAL, type TEXT, "
    "probability REAL, body TEXT, received_at REAL)")
conn.commit()
state = {"stored": 0, "first": None, "last": None}


def on_message(client, userdata, msg):
    if state["first"] is None:
        state["first"] = time.monotonic()
    try:
        e = json.loads(msg.payload.decode("utf-8"))
        row = (e["id"], e["device"], float(e["timestamp"]), e["event"], float(e["probability"]),
               msg.payload.decode("utf-8"), time.time())
    except (ValueError, KeyError, TypeError):
        return
    cur = conn.execute("INSERT OR IGNORE INTO events VALUES (?,?,?,?,?,?,?)", row)
    conn.commit()
    state["stored"] += cur.rowcount
    state["last"] = time.monotonic()
    if state["stored"] >= count:
        client.disconnect()


def on_subscribe(client, userdata, mid, granted):
    open(ready, "w").close()


client = mqtt.Client(client_id="bench-python", protocol=mqtt.MQTTv311, clean_session=True)
client.tls_set(ca_certs=ca)
client.username_pw_set(user, password)
client.on_message = on_message
client.on_subscribe = on_subscribe
client.on_connect = lambda c, u, f, rc: c.subscribe("citysafesense/events/+", qos=1)
client.connect(host, port, keepalive=30)
client.loop_forever()
print(json.dumps({"stored": state["stored"], "seconds": state["last"] - state["first"]}))
