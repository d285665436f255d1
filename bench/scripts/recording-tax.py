#!/usr/bin/env python3
"""recording-tax.py - what recording (journal + search index) costs the proxy, side by side in one run.

  bench/scripts/recording-tax.py [--rounds 3] [--duration 10] [--warm 20] [--burst 5000] [--cold 30]
                                 [--hosts 20] [--jar cli/target/traffic.jar] [--out FILE]

Needs the benchmark harness (../shared/bench/harness/setup.sh: nginx on 127.0.0.1, BenchClient,
hey, firstreq.py). Every proxy is pinned to core 1 (taskset, so its index companion too), the
clients and nginx to core 0, as the harness does. Writes only under /tmp/recording-tax and the
harness's marked block of /etc/hosts.

1. Cold start, each on a freshly started proxy: keep-alive HTTPS /small at c16 for --cold seconds
   from the first request, and the first request to --hosts never-seen hosts (one new connection
   each). Once "before" (in-process indexer thread, no class-data archive, no warm-up: main's
   configuration when issue 21 was filed) and once "after" (the defaults: index companion
   process, the launcher's AppCDS archive, --warm-up's default).
2. Warm, interleaved: the variants below run side by side (each its own proxy, all on core 1).
   Each is warmed for --warm seconds of keep-alive load. Then, --rounds times, for each variant
   in turn (the order rotates every round): a burst of --burst short new-connection flows (hey
   -disable-keepalive c16), then at once a --duration s keep-alive window (c16): req/s, the
   proxy process's CPU per request, the companion's CPU per request, and the index lag from
   /metrics every 250 ms. Then it waits until the variant's index has caught up, so a catch-up
   never runs during another variant's window. Medians over rounds; the spread is printed.
3. New host minus known host on the warmed proxies: first requests to --hosts new hosts, then as
   many new connections to one known host (firstreq.py: OpenSSL client), medians.

Variants: default (companion process), thread (--indexer thread: in-process indexer), noindex
(--no-index), relay (--passthrough '*': the relay floor), direct (no proxy).
"""
import argparse
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

BENCH = os.environ.get("BENCH", "/tmp/bench")
# ../shared/bench/harness of the checkout (or of /work/main's, from a worktree elsewhere); HARNESS= to override
HARNESS = os.environ.get("HARNESS") or next((h for h in (
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../shared/bench/harness"), "/work/shared/bench/harness")
    if os.path.exists(os.path.join(h, "firstreq.py"))), "../shared/bench/harness")
UP = f"{BENCH}/upstream"
BUILD = f"{BENCH}/build"
BUNDLE = f"{UP}/certs/upstream-bundle.pem"
URL = "https://bench.test:19443/small"
WORK = "/tmp/recording-tax"
ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "../.."))
TICK = os.sysconf("SC_CLK_TCK")
HOSTS_BEGIN = f"# >>> bench-harness (managed by {BENCH}/harness; safe to delete) >>>"


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def cpu_seconds(pid):
    """user+system CPU of a process (all its threads, including ended ones), seconds."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICK
    except (FileNotFoundError, ProcessLookupError):
        return 0.0


def children(pid):
    try:
        out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    except FileNotFoundError:
        return []
    kids = [int(x) for x in out]
    for k in list(kids):
        kids += children(k)
    return kids


def nginx_pids():
    try:
        master = int(open(f"{UP}/nginx.pid").read().strip())
    except (OSError, ValueError):
        return []
    return [master] + children(master)


def busy_cores():
    """CPU (in core-seconds) used by the whole machine so far, from /proc/stat."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return (sum(v) - v[3] - v[4]) / TICK


def other_cpu(fn, pids):
    """Runs fn(); returns (its result, cores used meanwhile by processes other than pids, nginx and
    fn's own client: what shared the machine with the measurement; ~0 on a quiet machine)."""
    watched = lambda: sum(cpu_seconds(p) for p in pids + nginx_pids())
    t0, b0, w0 = time.time(), busy_cores(), watched()
    r = fn()
    t1, b1, w1 = time.time(), busy_cores(), watched()
    client = r[5] * (t1 - t0) if r else 0  # the load client's own CPU (BenchClient's measure)
    return r, max(0.0, (b1 - b0) - (w1 - w0) - client) / max(1e-9, t1 - t0)


STARTED = []


def stop_all():
    for p in STARTED:
        if p.p.poll() is None:
            p.p.kill()  # the companion ends with its stdin


class Proxy:
    def __init__(self, label, port, extra, cds=True, env=None):
        self.label, self.port, self.admin = label, port, port + 1
        self.dir = f"{WORK}/{label}"
        shutil.rmtree(self.dir, ignore_errors=True)
        os.makedirs(self.dir)
        jsa = os.path.join(os.path.dirname(ARGS.jar), "traffic.jsa")
        cmd = ["taskset", "-c", "1", "java"]
        if cds and os.path.exists(jsa):
            cmd += [f"-XX:SharedArchiveFile={jsa}", "-Xshare:auto", "-Xlog:cds=off", "-Xlog:cds+dynamic=off"]
        cmd += ["-jar", ARGS.jar, "proxy", "--listen", f"127.0.0.1:{port}", "--admin", f"127.0.0.1:{self.admin}",
                "--data-dir", self.dir, "--upstream-ca", BUNDLE] + extra
        self.cmd = cmd
        self.logf = open(f"{self.dir}/proxy.log", "w")
        self.t0 = time.time()
        self.p = subprocess.Popen(cmd, stdout=self.logf, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})})
        STARTED.append(self)
        deadline = time.time() + 120
        while time.time() < deadline:
            with open(f"{self.dir}/proxy.log") as f:
                if "listening on" in f.read():
                    break
            if self.p.poll() is not None:
                raise SystemExit(f"{label}: proxy exited: see {self.dir}/proxy.log")
            time.sleep(0.05)
        else:
            raise SystemExit(f"{label}: proxy did not start")
        self.ready = time.time() - self.t0
        # a relayed (passthrough) connection shows the upstream's own certificate
        self.ca = BUNDLE if "--passthrough" in extra else f"{self.dir}/ca/ca.pem"

    def pid(self):
        return self.p.pid

    def companion(self):
        return [k for k in children(self.p.pid)]

    def metric(self, name):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.admin}/metrics", timeout=2) as r:
                for line in r.read().decode().splitlines():
                    if line.startswith(name + " ") or line.startswith(name + "{"):
                        return float(line.rsplit(" ", 1)[1])
        except OSError:
            return None
        return None

    def await_caught_up(self, limit=None):
        limit = ARGS.catch_up if limit is None else limit
        t = time.time()
        while time.time() - t < limit:
            v = self.metric("traffic_index_lag_flows")
            if v is None or v == 0:
                return time.time() - t
            time.sleep(0.25)
        return None

    def stop(self):
        self.p.send_signal(signal.SIGTERM)
        try:
            self.p.wait(90)
        except subprocess.TimeoutExpired:
            self.p.kill()
        self.logf.close()


def load(proxy, seconds, conns=16, warmup=0):
    """BenchClient keep-alive load; returns (rps, proxy cpu us/request, companion cpu us/request, p99 ms)."""
    cmd = ["taskset", "-c", "0", "java", "-cp", BUILD, "BenchClient", "load", "--url", URL, "--c", str(conns),
           "--warmup", str(warmup), "--duration", str(seconds)]
    if proxy is None:
        cmd += ["--proxy", "direct", "--ca", BUNDLE]
        pids = []
    else:
        cmd += ["--proxy", f"127.0.0.1:{proxy.port}", "--ca", proxy.ca, "--proxy-pid", str(proxy.pid())]
        pids = [proxy.pid()] + proxy.companion()
    before = [cpu_seconds(p) for p in pids]
    out = subprocess.run(cmd, capture_output=True, text=True).stdout
    after = [cpu_seconds(p) for p in pids]
    m = re.search(r"requests=(\d+) errors=(\d+) rps=([\d.]+).*p99_ms=([\d.]+)", out)
    cu = re.search(r"client_cpu_util=([\d.]+)", out)
    if not m:
        log("load failed:", out[-500:])
        return None
    n = int(m.group(1))
    # BenchClient's window excludes its warm-up; /proc deltas cover warm-up too, so scale by the window's share
    rps = float(m.group(3))
    util = re.search(r"proxy_cpu_util=([\d.]+)", out)
    proxy_us = float(util.group(1)) * 1e6 / rps if (util and pids) else None
    comp_us = (sum(after[1:]) - sum(before[1:])) * 1e6 / max(1, n + rps * warmup) if len(pids) > 1 else 0.0
    return rps, proxy_us, comp_us, float(m.group(4)), n, float(cu.group(1)) if cu else 0.0


def burst(proxy, n):
    cmd = ["taskset", "-c", "0", "hey", "-n", str(n), "-c", "16", "-disable-keepalive", "-host", "bench.test:19443"]
    env = dict(os.environ)
    if proxy is not None:
        cmd += ["-x", f"http://127.0.0.1:{proxy.port}"]
    cmd.append(URL)
    subprocess.run(cmd, capture_output=True, text=True, env=env)


def firstreq(proxy, hosts_file=None, known=None, count=0):
    cmd = ["taskset", "-c", "0", "python3", f"{HARNESS}/firstreq.py", "--port", "19444",
           "--proxy", f"127.0.0.1:{proxy.port}", "--ca", proxy.ca]
    cmd += ["--hosts-file", hosts_file] if hosts_file else ["--host", known, "--count", str(count)]
    out = subprocess.run(cmd, capture_output=True, text=True).stdout
    m = re.search(r"ok=(\d+).*p50_ms=([\d.]+)", out)
    if not m or int(m.group(1)) == 0:
        log("firstreq failed:", out[-300:])
        return None
    return float(m.group(2))


HOSTS_FILE = "/etc/hosts"


def hosts_block(names):
    with open(HOSTS_FILE) as f:
        lines = f.read().splitlines()
    out, skip = [], False
    for l in lines:
        if l == HOSTS_BEGIN:
            skip = True
            continue
        if l.startswith("# <<< bench-harness <<<"):
            skip = False
            continue
        if not skip:
            out.append(l)
    out += [HOSTS_BEGIN, "127.0.0.1 bench.test known.bench.test"] + [f"127.0.0.1 {n}" for n in names] + ["# <<< bench-harness <<<"]
    with open(HOSTS_FILE, "w") as f:  # in place: /etc/hosts may be a bind mount
        f.write("\n".join(out) + "\n")


def new_hosts(tag, n):
    names = [f"h{i}-{tag}-{os.getpid()}-{int(time.time())}.bench.test" for i in range(n)]
    path = f"{WORK}/hosts-{tag}.txt"
    with open(path, "w") as f:
        f.write("\n".join(names) + "\n")
    subprocess.run([f"{HARNESS}/mkhostcerts.sh", "-f", path], check=True, capture_output=True)
    return names, path


class LagSampler(threading.Thread):
    def __init__(self, proxy):
        super().__init__(daemon=True)
        self.proxy, self.samples, self.stop = proxy, [], threading.Event()

    def run(self):
        while not self.stop.wait(0.25):
            v = self.proxy.metric("traffic_index_lag_seconds")
            if v is not None:
                self.samples.append(v)


def pct(v, q):
    if not v:
        return float("nan")
    s = sorted(v)
    return s[min(len(s) - 1, int(q * len(s)))]


def med(v):
    v = [x for x in v if x is not None]
    return statistics.median(v) if v else float("nan")


def spread(v):
    v = [x for x in v if x is not None]
    return f"{min(v):.0f}-{max(v):.0f}" if v else "n/a"


def main():
    global ARGS
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--duration", type=float, default=10)
    ap.add_argument("--warm", type=float, default=20)
    ap.add_argument("--burst", type=int, default=5000)
    ap.add_argument("--cold", type=float, default=30)
    ap.add_argument("--hosts", type=int, default=20)
    ap.add_argument("--jar", default=f"{ROOT}/cli/target/traffic.jar")
    ap.add_argument("--skip-cold", action="store_true")
    ap.add_argument("--catch-up", type=float, default=120, help="longest wait for a variant's index to catch up after its window (s)")
    ap.add_argument("--cold-only", metavar="EXTRA", help="only the cold phase, for the defaults plus these proxy options (e.g. '--warm-up 100')")
    ap.add_argument("--out")
    ARGS = ap.parse_args()
    if not os.path.exists(f"{BUILD}/BenchClient.class"):
        raise SystemExit(f"no {BUILD}/BenchClient.class: run ../shared/bench/harness/setup.sh first")
    os.makedirs(WORK, exist_ok=True)
    rows = []
    all_names = []
    t_start = time.time()

    def out(line):
        rows.append(line)
        print(line, flush=True)

    out(f"# recording-tax.py {' '.join(sys.argv[1:])} on {os.uname().nodename} at {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}")
    out(f"# jar {ARGS.jar}; load average before: {open('/proc/loadavg').read().split()[:3]}")

    # ---- 1. cold
    # before: main when issue 21 was filed; cds: + the class-data archive and the companion, no warm-up; after: the defaults
    configs = {"before": (["--indexer", "thread", "--warm-up", "0"], False), "cds": (["--warm-up", "0"], True), "after": ([], True)}
    cold = {}
    if ARGS.cold_only is not None:
        configs = {"cold-only": (ARGS.cold_only.split(), True)}
    if not ARGS.skip_cold:
        for name, (extra, cds) in configs.items():
            p = Proxy(f"cold-ka-{name}", 19300, extra, cds)
            (r, busy) = other_cpu(lambda: load(p, ARGS.cold, 16, 0), [p.pid()] + p.companion())
            p.stop()
            names, path = new_hosts(f"cold{name}", ARGS.hosts)
            all_names.extend(names)
            hosts_block(all_names)
            q = Proxy(f"cold-hosts-{name}", 19302, extra, cds)
            nh = firstreq(q, hosts_file=path)
            q.stop()
            cold[name] = (r[0] if r else None, nh, p.ready, busy)
            log(f"cold {name}: {cold[name]}")

    if ARGS.cold_only is not None:
        c = cold["cold-only"]
        out(f"cold {ARGS.cold_only!r}: first {ARGS.cold:.0f} s {c[0]:.0f} req/s; first request to {ARGS.hosts} new hosts p50 {c[1]:.2f} ms; "
            f"listening after {c[2]:.2f} s; other processes' CPU {c[3]:.2f} cores")
        hosts_block([])
        return

    # ---- 2. warm, interleaved
    variants = {
        "default": Proxy("default", 19310, []),
        "thread": Proxy("thread", 19312, ["--indexer", "thread"]),
        "noindex": Proxy("noindex", 19314, ["--no-index"]),
        "relay": Proxy("relay", 19316, ["--passthrough", "*"]),
    }
    for v in variants.values():
        load(v, ARGS.warm, 16, 0)
        v.await_caught_up()
    res = {k: [] for k in list(variants) + ["direct"]}
    order = list(variants) + ["direct"]
    machine = []
    for r in range(ARGS.rounds):
        for k in order[r % len(order):] + order[:r % len(order)]:
            p = variants.get(k)
            burst(p, ARGS.burst)
            sampler = None
            if p is not None and k in ("default", "thread"):
                sampler = LagSampler(p)
                sampler.start()
            (x, busy) = other_cpu(lambda: load(p, ARGS.duration, 16, 1), [p.pid()] + p.companion() if p else [])
            if sampler:
                sampler.stop.set()
                sampler.join()
            catch = p.await_caught_up() if p is not None else 0
            machine.append(busy)
            res[k].append((x, sampler.samples if sampler else [], catch))
            log(f"round {r} {k}: {x} lag p99 {pct(sampler.samples, .99) if sampler else '-'} caught up in {catch}")

    # ---- 3. new host minus known host (warmed)
    nhk = {}
    for k in ("default", "thread"):
        names, path = new_hosts(f"warm{k}", ARGS.hosts)
        all_names.extend(names)
        hosts_block(all_names)
        p = variants[k]
        firstreq(p, known="known.bench.test", count=3)
        nh = firstreq(p, hosts_file=path)
        kh = firstreq(p, known="known.bench.test", count=ARGS.hosts)
        nhk[k] = (nh, kh)
        log(f"hosts {k}: new {nh} known {kh}")

    for v in variants.values():
        v.stop()
    hosts_block([])

    # ---- table
    def col(k, i):
        return [x[0][i] for x in res[k] if x[0]]
    rps = {k: med(col(k, 0)) for k in res}
    cpu = {k: med(col(k, 1)) for k in variants}
    comp = {k: med(col(k, 2)) for k in variants}
    out("")
    out(f"keep-alive HTTPS /small c16, {ARGS.duration:.0f} s windows after a burst of {ARGS.burst} new-connection flows, median of {ARGS.rounds} rounds (range)")
    out("| variant | req/s | proxy CPU us/req | companion CPU us/req | p99 ms |")
    out("|---|---|---|---|---|")
    for k in order:
        cp = f"{cpu[k]:.1f} ({spread(col(k, 1))})" if k in cpu else "-"
        cm = f"{comp[k]:.1f}" if k in comp else "-"
        out(f"| {k} | {rps[k]:.0f} ({spread(col(k, 0))}) | {cp} | {cm} | {med(col(k, 3)):.2f} |")
    out("")
    out("| ratio (target) | after: default | before: thread |")
    out("|---|---|---|")
    out(f"| CPU/req vs --no-index (<= 1.2x) | {cpu['default'] / cpu['noindex']:.2f}x | {cpu['thread'] / cpu['noindex']:.2f}x |")
    out(f"| CPU/req vs relay floor (<= 1.5x) | {cpu['default'] / cpu['relay']:.2f}x | {cpu['thread'] / cpu['relay']:.2f}x |")
    out(f"| req/s vs direct (>= 90%) | {100 * rps['default'] / rps['direct']:.0f}% | {100 * rps['thread'] / rps['direct']:.0f}% |")
    lag = {k: [s for x in res[k] for s in x[1]] for k in ("default", "thread")}
    catch = {k: [x[2] for x in res[k] if x[2] is not None] for k in ("default", "thread")}
    out(f"| index lag p99 during the window | {pct(lag['default'], .99):.1f} s | {pct(lag['thread'], .99):.1f} s |")
    def caught(k):
        missed = sum(1 for x in res[k] if x[2] is None)
        return f"{med(catch[k]):.1f} s" + (f" ({missed} of {len(res[k])} not within {ARGS.catch_up:.0f} s)" if missed else "")
    out(f"| index caught up after the window | {caught('default')} | {caught('thread')} |")
    if nhk:
        out(f"| new host minus known host (warm, p50) | {nhk['default'][0] - nhk['default'][1]:+.2f} ms ({nhk['default'][0]:.2f} vs {nhk['default'][1]:.2f}) "
            f"| {nhk['thread'][0] - nhk['thread'][1]:+.2f} ms ({nhk['thread'][0]:.2f} vs {nhk['thread'][1]:.2f}) |")
    if cold:
        a, b = cold["after"], cold["before"]
        out(f"| cold first {ARGS.cold:.0f} s req/s vs warm (>= 50%) | {a[0]:.0f} = {100 * a[0] / rps['default']:.0f}% | {b[0]:.0f} = {100 * b[0] / rps['thread']:.0f}% |")
        if nhk:
            out(f"| cold first request to {ARGS.hosts} new hosts, p50 (<= 2x warm) | {a[1]:.2f} ms = {a[1] / nhk['default'][0]:.1f}x | {b[1]:.2f} ms = {b[1] / nhk['thread'][0]:.1f}x |")
        out(f"| start to listening | {a[2]:.2f} s | {b[2]:.2f} s |")
        c = cold["cds"]
        out(f"# cold with the archive but --warm-up 0: first {ARGS.cold:.0f} s {c[0]:.0f} req/s = {100 * c[0] / rps['default']:.0f}% of warm; "
            f"first request to {ARGS.hosts} new hosts p50 {c[1]:.2f} ms; listening after {c[2]:.2f} s")
    out("")
    out(f"# other processes' CPU during the warm windows (cores; ~0 on a quiet machine): median {med(machine):.2f}, max {max(machine):.2f}")
    if cold:
        out(f"# during the cold windows: " + ", ".join(f"{k} {v[3]:.2f}" for k, v in cold.items()))
    out(f"# load average after: {open('/proc/loadavg').read().split()[:3]}; run took {time.time() - t_start:.0f} s")
    if ARGS.out:
        with open(ARGS.out, "w") as f:
            f.write("\n".join(rows) + "\n")


if __name__ == "__main__":
    import atexit
    atexit.register(stop_all)
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(1))
    main()
