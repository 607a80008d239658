"""bench/ingest/run.py: the orchestration behind `bench/run ingest` (see ./run and
bench/README.md). Every process it starts is stopped before it returns (also on failure or
SIGTERM); the broker and PostgreSQL listen on free loopback ports; scratch files live in temp
folders removed at the end."""
import json
import os
import platform
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.environ.get("CSS_SOURCE_DIR", os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
BUILD = os.environ.get("CSS_BUILD_DIR", os.path.join(ROOT, "build"))
CITYSAFE = os.path.join(BUILD, "bin", "citysafe")
PUB = os.path.join(BUILD, "bin", "bench_ingest_pub")
EVENTS = int(os.environ.get("CSS_BENCH_INGEST_EVENTS", "5000"))
# The Python baseline commits each message (fsync): a shorter head of the same stream keeps the
# run bounded; its rate is events / seconds like the others.
PY_EVENTS = int(os.environ.get("CSS_BENCH_INGEST_PY_EVENTS", "500"))
REPS = int(os.environ.get("CSS_BENCH_INGEST_REPS", "3"))
LAG_RATE = 10000
LAG_EVENTS = int(os.environ.get("CSS_BENCH_INGEST_LAG_EVENTS", "20000"))
PASSWORD = "bench-" + os.urandom(6).hex()
PG_BIN = os.environ.get("CSS_PG_BINDIR", "/usr/lib/postgresql/15/bin")
POSTGIS = "/usr/share/postgresql/15/extension/postgis.control"


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_for(pred, timeout, what):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return
        time.sleep(0.01)
    raise SystemExit(f"bench/ingest: timed out waiting for {what}")


def cpu_name():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip() + f" ({platform.machine()})"
    except OSError:
        pass
    return platform.machine()


class Broker:
    def __init__(self, tmp):
        self.dir = os.path.join(tmp, "broker")
        os.makedirs(self.dir)
        subprocess.run([os.path.join(ROOT, "deploy/certs/make-certs.sh"), self.dir + "/certs"],
                       check=True, stdout=subprocess.DEVNULL)
        self.ca = self.dir + "/certs/ca.pem"
        self.port = free_port()
        pw = self.dir + "/passwd"
        open(pw, "w").close()
        for user in ("ingest", "bench-node"):
            subprocess.run(["mosquitto_passwd", "-b", pw, user, PASSWORD], check=True)
        with open(self.dir + "/mosquitto.conf", "w") as f:
            f.write(f"""per_listener_settings false
user root
listener {self.port} 127.0.0.1
cafile {self.dir}/certs/ca.pem
certfile {self.dir}/certs/server.pem
keyfile {self.dir}/certs/server.key
allow_anonymous false
password_file {pw}
acl_file {ROOT}/deploy/mosquitto/acl
max_queued_messages 1000000
log_dest stderr
""")
        self.proc = subprocess.Popen(["/usr/sbin/mosquitto", "-c", self.dir + "/mosquitto.conf"],
                                     stderr=open(self.dir + "/broker.log", "w"))
        wait_for(self.listening, 10, "the broker")

    def listening(self):
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
            return True
        except OSError:
            return False

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)


def publish(broker, count, rate=0, device="bench-node"):
    out = subprocess.run([PUB, "--mqtt", f"localhost:{broker.port}", "--ca", broker.ca,
                          "--user", "bench-node", "--password", PASSWORD, "--device", device,
                          "--count", str(count), "--rate", str(rate)],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def ceiling(broker):
    sub = subprocess.Popen(["mosquitto_sub", "-h", "localhost", "-p", str(broker.port),
                            "--cafile", broker.ca, "-u", "ingest", "-P", PASSWORD, "-V", "mqttv5",
                            "-q", "1", "-t", "citysafesense/events/+", "-C", str(EVENTS)],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(1.0)  # mosquitto_sub has no "subscribed" signal; it connects in milliseconds
        t0 = time.monotonic()
        publish(broker, EVENTS)
        sub.wait(timeout=120)
    finally:
        sub.kill()
    return EVENTS / (time.monotonic() - t0)


class Ingest:
    def __init__(self, broker, db_url, tmp, name):
        self.port = free_port()
        pwfile = os.path.join(tmp, "ingest.pw")
        with open(pwfile, "w") as f:
            f.write(PASSWORD + "\n")
        self.proc = subprocess.Popen(
            [CITYSAFE, "ingest", "--mqtt", f"localhost:{broker.port}", "--tls-cert", broker.ca,
             "--username", "ingest", "--password-file", pwfile, "--db", db_url,
             "--client-id", name, "--metrics", f"127.0.0.1:{self.port}",
             # the session ends a second after this run, so later runs' messages are not
             # queued for it
             "--session-expiry", "1"],
            stderr=open(os.path.join(tmp, name + ".log"), "w"))
        try:
            wait_for(self.healthy, 15, "ingest to subscribe")
        except BaseException:
            self.proc.kill()
            self.proc.wait()
            log(open(os.path.join(tmp, name + ".log")).read()[-2000:])
            raise

    def get(self, path):
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=2) as r:
            return r.read().decode()

    def healthy(self):
        try:
            return '"status":"ok"' in self.get("/health")
        except OSError:
            return False

    def stored(self):
        for line in self.get("/metrics").splitlines():
            if line.startswith("citysafe_ingest_events_stored_total "):
                return int(float(line.split()[1]))
        return 0

    def stop(self):
        if self.proc.poll() is not None:
            return
        self.proc.terminate()
        if self.proc.wait(timeout=20) != 0:
            raise SystemExit("bench/ingest: ingest did not exit 0 on SIGTERM")


def ours(broker, tmp, rep, db_url, name):
    ing = Ingest(broker, db_url, tmp, f"bench-ingest-{name}-{rep}")
    try:
        t0 = time.monotonic()
        publish(broker, EVENTS)
        wait_for(lambda: ing.stored() >= EVENTS, 120, f"ingest → {name} to store the stream")
        rate = EVENTS / (time.monotonic() - t0)
    finally:
        ing.stop()
    time.sleep(1.5)  # its session expires
    return rate


class Postgres:
    """A private PostgreSQL 15 cluster (as bench/store_backends/run starts one): initdb in a temp
    folder, a free loopback port, default settings (fsync on: as durable as SQLite's
    synchronous=FULL), run as the postgres user when we are root; stop() at the end."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="css-bench-ingest-pg-")
        os.chmod(self.dir, 0o755)  # the postgres user must reach its folders inside
        self.as_pg = ["/usr/sbin/runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        self.started = False
        self.databases = 0
        try:
            os.makedirs(self.dir + "/run")
            if self.as_pg:
                for sub in ("", "/run"):
                    shutil.chown(self.dir + sub, "postgres", "postgres")
            self.owner([PG_BIN + "/initdb", "-D", self.dir + "/data", "-U", "postgres",
                        "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "-N"])
            for tries in range(3):  # a free port can be taken before the server binds it
                self.port = free_port()
                try:
                    self.owner([PG_BIN + "/pg_ctl", "-D", self.dir + "/data", "-l",
                                self.dir + "/run/server.log", "-w", "-t", "60", "-o",
                                f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.dir}/run",
                                "start"])
                    self.started = True
                    break
                except subprocess.CalledProcessError:
                    if tries == 2:
                        raise SystemExit("bench/ingest: PostgreSQL did not start; log:\n"
                                         + open(self.dir + "/run/server.log").read()[-2000:])
        except BaseException:
            self.stop()
            raise

    def owner(self, argv):
        subprocess.run(self.as_pg + argv, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=120)

    def fresh_url(self):
        self.databases += 1
        name = f"ingest_{self.databases}"
        subprocess.run([PG_BIN + "/psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1",
                        "-p", str(self.port), "-U", "postgres", "-d", "postgres", "-c",
                        f"CREATE DATABASE {name}"], check=True, timeout=60)
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"

    def stop(self):
        if self.started:
            subprocess.run(self.as_pg + [PG_BIN + "/pg_ctl", "-D", self.dir + "/data", "-m",
                                         "fast", "-w", "-t", "30", "stop"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
            self.started = False
        shutil.rmtree(self.dir, ignore_errors=True)


def python_baseline(broker, tmp, rep):
    db = os.path.join(tmp, f"python-{rep}.db")
    ready = os.path.join(tmp, f"python-{rep}.ready")
    proc = subprocess.Popen(["/usr/bin/python3", os.path.join(ROOT, "bench/ingest/python_baseline.py"),
                             "localhost", str(broker.port), broker.ca, "ingest", PASSWORD, db,
                             str(PY_EVENTS), ready], stdout=subprocess.PIPE, text=True)
    wait_for(lambda: os.path.exists(ready), 15, "the Python baseline to subscribe")
    try:
        t0 = time.monotonic()
        publish(broker, PY_EVENTS)
        proc.wait(timeout=600)
    finally:
        proc.kill()
    rate = PY_EVENTS / (time.monotonic() - t0)
    return rate


def lag(broker, tmp):
    db = os.path.join(tmp, "lag.db")
    ing = Ingest(broker, "sqlite://" + db, tmp, "bench-ingest-lag")
    try:
        pub = publish(broker, LAG_EVENTS, rate=LAG_RATE)
        wait_for(lambda: ing.stored() >= LAG_EVENTS, 120, "ingest to store the lag stream")
    finally:
        ing.stop()
    conn = sqlite3.connect(db)
    lags = sorted(r[0] for r in conn.execute("SELECT received_at - ts FROM events"))
    conn.close()
    q = statistics.quantiles(lags, n=100)
    return {"lag_p50_s": round(q[49], 4), "lag_p99_s": round(q[98], 4),
            "lag_max_s": round(lags[-1], 4), "lag_offered_events_per_s": LAG_RATE,
            "lag_achieved_events_per_s": round(pub["rate"]), "lag_events": len(lags)}


def postgres_missing():
    """Why ingest → PostgreSQL cannot run here, or None. Said in the output, never skipped
    silently."""
    for tool in ("initdb", "pg_ctl", "postgres", "psql"):
        if not os.access(os.path.join(PG_BIN, tool), os.X_OK):
            return (f"PostgreSQL 15 is not installed ({PG_BIN}/{tool} missing; scripts/bootstrap "
                    "installs postgresql-15 and postgresql-15-postgis-3)")
    if not os.path.exists(POSTGIS):
        return "PostGIS is not installed (postgresql-15-postgis-3; scripts/bootstrap)"
    if os.geteuid() == 0 and not os.access("/usr/sbin/runuser", os.X_OK):
        return "running as root needs /usr/sbin/runuser to start PostgreSQL as its own user"
    r = subprocess.run([CITYSAFE, "ingest", "--report", "--db",
                        "postgresql://bench@127.0.0.1:1/bench"], capture_output=True, text=True)
    if "not built" in r.stderr:
        return "the postgres backend is not built into citysafe (libpqxx-dev; scripts/bootstrap)"
    return None


def main():
    for exe in (CITYSAFE, PUB):
        if not os.access(exe, os.X_OK):
            raise SystemExit(f"bench/ingest: {exe} is missing (cmake --build build)")
    try:
        import paho.mqtt  # noqa: F401  (the baseline imports it in its own process)
    except ImportError:
        raise SystemExit("bench/ingest: python3-paho-mqtt is missing: scripts/bootstrap --with bench")
    # SIGTERM (a CI timeout) unwinds like an exception, so every finally below stops its process
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    pg_skip = postgres_missing()
    if pg_skip:
        log(f"ingest → PostgreSQL skipped: {pg_skip}")
    tmp = tempfile.mkdtemp(prefix="css-bench-ingest-")
    broker, pg = None, None
    try:
        broker = Broker(tmp)
        pg = None if pg_skip else Postgres()
        ceil, mine, pgs, py = [], [], [], []
        for rep in range(REPS):
            ceil.append(ceiling(broker))
            mine.append(ours(broker, tmp, rep, "sqlite://" + os.path.join(tmp, f"ours-{rep}.db"),
                             "sqlite"))
            if pg:
                pgs.append(ours(broker, tmp, rep, pg.fresh_url(), "postgres"))
            py.append(python_baseline(broker, tmp, rep))
            log(f"rep {rep + 1}/{REPS}: ceiling {ceil[-1]:.0f}/s, ingest→SQLite {mine[-1]:.0f}/s, "
                + (f"ingest→PostgreSQL {pgs[-1]:.0f}/s, " if pg else "")
                + f"Python {py[-1]:.0f}/s")
        lag_fig = lag(broker, tmp)
    finally:
        if pg:
            pg.stop()
        if broker:
            broker.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    c, m, p = statistics.median(ceil), statistics.median(mine), statistics.median(py)
    g = statistics.median(pgs) if pgs else None
    fig = {"events": EVENTS, "repetitions": REPS, "cpu": cpu_name(),
           "ceiling_events_per_s": round(c), "ingest_sqlite_events_per_s": round(m),
           "ingest_postgres_events_per_s": round(g) if g else None,
           "python_sqlite_events_per_s": round(p), "python_events": PY_EVENTS,
           "ingest_vs_ceiling": round(m / c, 3),
           "ingest_postgres_vs_ceiling": round(g / c, 3) if g else None,
           "ingest_vs_python": round(m / p, 1)}
    if pg_skip:
        fig["ingest_postgres_skipped"] = pg_skip
    fig.update(lag_fig)
    fig["loadavg_1min"] = float(open("/proc/loadavg").read().split()[0])
    log(f"ingest→SQLite {fig['ingest_vs_ceiling']}× the ceiling (target ≥ 0.8), "
        f"{fig['ingest_vs_python']}× Python (target ≥ 10); ingest→PostgreSQL "
        + (f"{fig['ingest_postgres_vs_ceiling']}× the ceiling" if g else f"skipped: {pg_skip}")
        + f"; lag p99 {fig['lag_p99_s']} s at {fig['lag_achieved_events_per_s']} events/s")
    print(json.dumps(fig))


if __name__ == "__main__":
    main()
