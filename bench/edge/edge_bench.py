#!/usr/bin/env python3
"""bench/edge: the edge runtime's CPU share, replay throughput, latency and memory.

Run through bench/edge/run (which checks the tools). Everything is real: a local Mosquitto
with TLS (deploy/certs/make-certs.sh), passwords and the deploy ACL on a free loopback port,
the shipped models/default.csm, `citysafe edge` processes, and `mosquitto_sub` as the
subscriber (it stamps every message with its receipt time, %U). Figures are medians over
CSS_BENCH_EDGE_REPS repetitions; resource use comes from wait4() of each child (ru_utime +
ru_stime, ru_maxrss). Keys: bench/README.md, section "edge".
"""
import argparse
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

REPS = int(os.environ.get("CSS_BENCH_EDGE_REPS", "3"))
LIVE_S = float(os.environ.get("CSS_BENCH_EDGE_SECONDS", "60"))
LAT_NODES = int(os.environ.get("CSS_BENCH_EDGE_LAT_NODES", "24"))
LIVE_NODES = 3  # live sim nodes per repetition (CPU share and RSS)
REPLAY_S = 3600  # stream seconds of the throughput replay (one device-hour of `mix`)
BASELINE_PUBS = 30  # mosquitto_pub runs per repetition
PASSWORD = os.urandom(12).hex()


def say(msg):
    print(msg, file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_child(argv, **kw):
    """Runs argv to completion: (returncode, cpu_s, maxrss_kb, wall_s)."""
    t0 = time.monotonic()
    p = subprocess.Popen(argv, **kw)
    return finish(p, t0)


def finish(p, t0):
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    return p.returncode, ru.ru_utime + ru.ru_stime, ru.ru_maxrss, time.monotonic() - t0


def percentile(xs, q):
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    s = sorted(xs)
    k = max(0, min(len(s) - 1, int(round(q / 100.0 * len(s) + 0.5)) - 1))
    return s[k]


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def cpu_description():
    model, flags = None, set()
    try:
        for line in open("/proc/cpuinfo"):
            key, _, val = line.partition(":")
            key = key.strip()
            if key == "model name" and model is None:
                model = val.strip()
            elif key == "flags" and not flags:
                flags = set(val.split())
    except OSError:
        pass
    ext = [f for f in ("avx512_vnni", "avx512f", "avx2") if f in flags]
    return platform.machine(), model, ext


class Broker:
    """A local Mosquitto as scripts/demo starts it: TLS, passwords, deploy ACL."""

    def __init__(self, root, work, users):
        self.dir = os.path.join(work, "broker")
        os.makedirs(self.dir)
        self.certs = os.path.join(self.dir, "certs")
        subprocess.run([os.path.join(root, "deploy/certs/make-certs.sh"), self.certs],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.ca = os.path.join(self.certs, "ca.pem")
        passwd = os.path.join(self.dir, "passwd")
        open(passwd, "w").close()
        for u in users:
            subprocess.run(["mosquitto_passwd", "-b", passwd, u, PASSWORD], check=True)
        self.password_file = os.path.join(self.dir, "password")
        with open(self.password_file, "w") as f:
            f.write(PASSWORD + "\n")
        os.chmod(self.password_file, 0o600)
        self.port = free_port()
        conf = os.path.join(self.dir, "mosquitto.conf")
        with open(conf, "w") as f:
            f.write(f"""per_listener_settings false
listener {self.port} 127.0.0.1
cafile {self.ca}
certfile {self.certs}/server.pem
keyfile {self.certs}/server.key
allow_anonymous false
password_file {passwd}
acl_file {root}/deploy/mosquitto/acl
log_dest stderr
""")
        if os.geteuid() == 0:
            with open(conf, "a") as f:
                f.write("user root\n")
        self.log = open(os.path.join(self.dir, "mosquitto.log"), "w")
        self.proc = subprocess.Popen(["/usr/sbin/mosquitto", "-c", conf], stderr=self.log)
        for _ in range(100):  # bounded wait until it listens
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("mosquitto did not start; see " + self.log.name)

    def client_args(self, user):
        return ["-h", "localhost", "-p", str(self.port), "--cafile", self.ca, "-u", user,
                "-P", PASSWORD, "-V", "mqttv5", "-q", "1"]

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class Subscriber:
    """mosquitto_sub on citysafesense/events/#, every line "receipt_unix topic payload"."""

    def __init__(self, broker, path):
        self.path = path
        self.out = open(path, "w")
        self.proc = subprocess.Popen(
            ["mosquitto_sub", *broker.client_args("ingest"), "-t", "citysafesense/events/#",
             "-F", "%U %t %p"], stdout=self.out, stderr=subprocess.DEVNULL)
        time.sleep(0.5)  # subscribed before anyone publishes

    def lines(self):
        self.out.flush()
        out = []
        for line in open(self.path):
            parts = line.rstrip("\n").split(" ", 2)
            if len(parts) == 3:
                out.append((float(parts[0]), parts[1], parts[2]))
        return out

    def stop(self):
        self.proc.terminate()
        self.proc.wait()
        self.out.close()


def edge_argv(args, broker, work, device, source, extra=(), binary=None):
    return [binary or args.edge_bin, "edge", "--model", os.path.join(args.root, "models/default.csm"),
            "--mqtt", f"localhost:{broker.port}", "--tls-cert", broker.ca,
            "--device-id", device, "--password-file", broker.password_file,
            "--spool", os.path.join(work, "spool-" + device), "--source", source, *extra]


def live_rep(args, broker, sub, work, rep, snatch):
    """One repetition of the live phase: LIVE_NODES sim nodes paced at 50 Hz (CPU, RSS), one
    more run by the full `citysafe` binary (LibTorch linked) for comparison, and LAT_NODES
    nodes replaying snatches at 50 Hz (latency), all at once for LIVE_S s."""
    t0 = time.monotonic()
    procs = []
    for i in range(LIVE_NODES):
        dev = f"bench-live-r{rep}-{i}"
        argv = edge_argv(args, broker, work, dev, "sim",
                         ["--seed", str(100 * rep + i), "--duration", str(LIVE_S)])
        procs.append(("live", dev, subprocess.Popen(argv, stderr=subprocess.DEVNULL)))
    dev = f"bench-full-r{rep}"
    argv = edge_argv(args, broker, work, dev, "sim", ["--seed", str(100 * rep),
                                                      "--duration", str(LIVE_S)], args.bin)
    procs.append(("full", dev, subprocess.Popen(argv, stderr=subprocess.DEVNULL)))
    for i in range(LAT_NODES):
        dev = f"bench-lat-r{rep}-{i}"
        argv = edge_argv(args, broker, work, dev, "replay:" + snatch,
                         ["--duration", str(LIVE_S)])
        procs.append(("lat", dev, subprocess.Popen(argv, stderr=subprocess.DEVNULL)))
    live, full = [], None
    for kind, dev, p in procs:
        rc, cpu, rss_kb, _ = finish(p, t0)
        if rc != 0:
            raise RuntimeError(f"citysafe edge ({dev}) exited {rc}")
        if kind == "live":
            live.append((cpu / LIVE_S, rss_kb / 1024.0))
        elif kind == "full":
            full = (100.0 * cpu / LIVE_S, rss_kb / 1024.0)
    time.sleep(0.5)
    lat = {}
    prefix = f"citysafesense/events/bench-lat-r{rep}-"
    for recv, topic, payload in sub.lines():
        if topic.startswith(prefix):
            e = json.loads(payload)
            lat.setdefault(e["id"], recv - e["timestamp"])  # first receipt (QoS 1)
    lat_ms = [1e3 * v for v in lat.values()]
    cpu_pct = med([100.0 * c for c, _ in live])
    rss = max(r for _, r in live)
    p50 = percentile(lat_ms, 50) if lat_ms else None
    p99 = percentile(lat_ms, 99) if lat_ms else None
    say(f"   rep {rep}: live CPU {cpu_pct:.3f} % of a core, peak RSS {rss:.1f} MB; "
        f"{len(lat_ms)} events, latency p50 {p50 and round(p50, 2)} ms p99 {p99 and round(p99, 2)} ms")
    say(f"          full citysafe binary: CPU {full[0]:.3f} %, peak RSS {full[1]:.1f} MB")
    return cpu_pct, rss, lat_ms, p50, p99, full


def samples_from(stderr_text):
    for line in stderr_text.splitlines():
        if "Stopped:" in line and " samples" in line:
            return int(line.split("Stopped:")[1].split()[0])
    return None


def throughput_rep(args, broker, work, rep, mix, tiny, pin):
    """--fast replay of one device-hour, pinned to one core: samples per CPU second. Beside it
    the bare pipeline (`citysafe detect` on the same file; its start-up cost, measured on a
    1-s file, subtracted): what the node adds around the model."""
    dev = f"bench-fast-r{rep}"
    err = os.path.join(work, dev + ".log")
    with open(err, "w") as f:
        rc, cpu, _, wall = run_child(pin + edge_argv(args, broker, work, dev, "replay:" + mix,
                                                     ["--fast"]), stderr=f)
    if rc != 0:
        raise RuntimeError(f"citysafe edge --fast exited {rc}; see {err}")
    n = samples_from(open(err).read())
    detect = lambda data: run_child(
        pin + [args.bin, "detect", "--model", os.path.join(args.root, "models/default.csm"),
               "--data", data], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    rc, bcpu, _, _ = detect(mix)
    rc0, start_cpu, _, _ = detect(tiny)  # the full binary's fixed start-up (LibTorch et al.)
    if rc != 0 or rc0 != 0:
        raise RuntimeError(f"citysafe detect exited {rc or rc0}")
    bcpu -= start_cpu
    node = n / cpu / 50.0
    bare = n / bcpu / 50.0
    say(f"   rep {rep}: {n} samples in {cpu:.2f} s CPU ({wall:.2f} s wall) = {node:.0f} streams/core;"
        f" bare pipeline (citysafe detect) {bare:.0f} streams/core")
    return node, n / wall / 50.0, bare


def baseline_rep(broker, sub, rep):
    """mosquitto_pub per event: latency from its start to the subscriber's receipt, its CPU."""
    starts, cpus, rsss = {}, [], []
    topic = "citysafesense/events/bench-base"
    for i in range(BASELINE_PUBS):
        payload = json.dumps({"bench_rep": rep, "bench_i": i})
        starts[i] = time.time()
        rc, cpu, rss_kb, _ = run_child(["mosquitto_pub", *broker.client_args("bench-base"),
                                        "-t", topic, "-m", payload],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if rc != 0:
            raise RuntimeError(f"mosquitto_pub exited {rc}")
        cpus.append(cpu)
        rsss.append(rss_kb / 1024.0)
        time.sleep(0.05)
    time.sleep(0.5)
    lat = {}
    for recv, t, payload in sub.lines():
        if t == topic:
            m = json.loads(payload)
            if m.get("bench_rep") == rep:
                lat.setdefault(m["bench_i"], 1e3 * (recv - starts[m["bench_i"]]))
    ms = list(lat.values())
    return percentile(ms, 50), percentile(ms, 99), 1e3 * med(cpus), max(rsss)


PY_TLS_CLIENT = r"""
import socket, ssl, sys, time
ctx = ssl.create_default_context(cafile=sys.argv[2])
with socket.create_connection(("localhost", int(sys.argv[1]))) as raw:
    with ctx.wrap_socket(raw, server_hostname="localhost") as s:
        s.do_handshake()
        time.sleep(0.2)
"""


def python_floor(broker):
    """Peak RSS of python3 holding one TLS connection to the broker: the floor under any
    seed-style Python node (which adds paho-mqtt, numpy and a model runtime on top)."""
    rss = []
    for _ in range(3):
        rc, _, kb, _ = run_child([sys.executable, "-c", PY_TLS_CLIENT, str(broker.port), broker.ca],
                                 stderr=subprocess.DEVNULL)
        if rc == 0:
            rss.append(kb / 1024.0)
    return med(rss)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", required=True)
    ap.add_argument("--bin", required=True, help="the full citysafe binary")
    ap.add_argument("--edge-bin", required=True, help="citysafe-edge, the node's binary")
    args = ap.parse_args()
    pin = ["taskset", "-c", "0"] if shutil.which("taskset") else []
    work = tempfile.mkdtemp(prefix="css-bench-edge-")
    users = ["ingest", "bench-base"]
    for r in range(REPS):
        users += [f"bench-live-r{r}-{i}" for i in range(LIVE_NODES)] + [f"bench-full-r{r}"]
        users += [f"bench-lat-r{r}-{i}" for i in range(LAT_NODES)]
        users.append(f"bench-fast-r{r}")
    broker = sub = None
    try:
        say(f"== data: {REPLAY_S} s of `mix` (throughput), 40 x 12 s of `snatch` (latency)")
        mix = os.path.join(work, "mix.npy")
        snatch = os.path.join(work, "snatch.npy")
        tiny = os.path.join(work, "tiny.npy")
        gen = [args.bin, "generate", "-q", "--seed", "7"]
        subprocess.run(gen + ["--out", mix, "--scenario", "mix", "--duration", str(REPLAY_S)],
                       check=True)
        subprocess.run(gen + ["--out", tiny, "--duration", "1"], check=True)
        subprocess.run(gen + ["--out", snatch, "--scenario", "snatch", "--devices", "40",
                              "--duration", "12"], check=True)
        broker = Broker(args.root, work, users)
        sub = Subscriber(broker, os.path.join(work, "received.txt"))

        say(f"== live: {LIVE_NODES} sim nodes + {LAT_NODES} paced snatch replays, "
            f"{LIVE_S:g} s each, {REPS} repetitions")
        live = [live_rep(args, broker, sub, work, r, snatch) for r in range(REPS)]
        say(f"== throughput: --fast replay of {REPLAY_S} s, {' '.join(pin) or 'unpinned'}")
        thr = [throughput_rep(args, broker, work, r, mix, tiny, pin) for r in range(REPS)]
        say(f"== baselines: mosquitto_pub per event ({BASELINE_PUBS} x {REPS}), python3 TLS client")
        base = [baseline_rep(broker, sub, r) for r in range(REPS)]
        py_rss = python_floor(broker)
    finally:
        if sub:
            sub.stop()
        if broker:
            broker.stop()
        shutil.rmtree(work, ignore_errors=True)

    isa, model, ext = cpu_description()
    all_lat = [v for rep in live for v in rep[2]]
    r = lambda x, n=2: None if x is None else round(x, n)
    out = {
        "cpu_isa": isa + (" " + "+".join(ext) if ext else ""),
        "cpu_model": model,
        "cpus": os.cpu_count(),
        "reps": REPS,
        "live_stream_s": LIVE_S,
        "live_cpu_pct_of_core": r(med([x[0] for x in live]), 3),
        "target_live_cpu_pct": 1.0,
        "replay_streams_per_core": r(med([x[0] for x in thr]), 0),
        "replay_streams_per_core_wall": r(med([x[1] for x in thr]), 0),
        "target_streams_per_core": 2000,
        "baseline_pipeline_streams_per_core": r(med([x[2] for x in thr]), 0),
        "node_over_pipeline_throughput": r(med([x[0] / x[2] for x in thr]), 3),
        "latency_events": len(all_lat),
        "latency_p50_ms": r(med([x[3] for x in live])),
        "latency_p99_ms": r(med([x[4] for x in live])),
        "latency_p99_ms_pooled": r(percentile(all_lat, 99) if all_lat else None),
        "target_latency_p99_ms": 50,
        "latency_nodes": LAT_NODES,
        "baseline_mosquitto_pub_latency_p50_ms": r(med([x[0] for x in base])),
        "baseline_mosquitto_pub_latency_p99_ms": r(med([x[1] for x in base])),
        "baseline_mosquitto_pub_cpu_ms_per_event": r(med([x[2] for x in base])),
        "peak_rss_mb": r(max(x[1] for x in live), 1),
        "target_rss_mb": 20,
        "full_binary_live_cpu_pct_of_core": r(med([x[5][0] for x in live]), 3),
        "full_binary_peak_rss_mb": r(max(x[5][1] for x in live), 1),
        "baseline_mosquitto_pub_rss_mb": r(med([x[3] for x in base]), 1),
        "baseline_python_tls_floor_rss_mb": r(py_rss, 1),
        "loadavg_1min": float(open("/proc/loadavg").read().split()[0]),
    }
    say(f"live CPU {out['live_cpu_pct_of_core']} % (target <= 1) | replay "
        f"{out['replay_streams_per_core']} streams/core (target >= 2000; bare pipeline "
        f"{out['baseline_pipeline_streams_per_core']}) | latency p50 {out['latency_p50_ms']} ms "
        f"p99 {out['latency_p99_ms']} ms (target < 50; mosquitto_pub per event p50 "
        f"{out['baseline_mosquitto_pub_latency_p50_ms']} ms) | RSS {out['peak_rss_mb']} MB "
        f"(target < 20; python3 TLS floor {out['baseline_python_tls_floor_rss_mb']} MB)")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
