#!/usr/bin/env python3
"""net_bench.py: weft-httpd's three models against nginx, libuv, asyncio and uvloop.

Course idea: measuring servers honestly on a small machine. On two cores wrk
saturates before the servers do, so requests/s hardly separates them; the
figure that does is the server's CPU time per request: the CPU time of its
threads and its children's, from /proc over the run (schedstat, see
cpu_seconds), divided by the requests wrk counted. The server runs pinned to one core and
wrk to the other (taskset). Every round runs every server once, in the same
order, so a busy moment of the machine hits a whole round: ratios weft/peer
are taken round by round, and their median, min and max are reported.

Usage: net_bench.py BUILD_DIR ROUNDS SECONDS
Prints only "bench: NAME VALUE UNIT" lines on stdout; progress on stderr.
"""
import os, re, signal, socket, subprocess, sys, time

SELF_TEST = sys.argv[1:] == ["--self-test"]
if not SELF_TEST:
    BUILD, ROUNDS, SECONDS = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
HERE = os.path.dirname(os.path.abspath(__file__))
TICK = os.sysconf("SC_CLK_TCK")
SERVER_CPU, WRK_CPU = "0", "1"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def nginx_cmd(port):
    prefix = os.path.abspath(os.path.join(BUILD, "bench-net", "nginx"))
    os.makedirs(os.path.join(prefix, "logs"), exist_ok=True)
    conf = os.path.join(prefix, "nginx.conf")
    with open(conf, "w") as f:
        f.write(f"""worker_processes 1;
daemon off;
master_process off;
pid {prefix}/nginx.pid;
error_log stderr error;
worker_rlimit_nofile 20000;
events {{ worker_connections 20000; }}
http {{
  access_log off;
  client_body_temp_path {prefix}/body; proxy_temp_path {prefix}/proxy;
  fastcgi_temp_path {prefix}/fcgi; uwsgi_temp_path {prefix}/uwsgi; scgi_temp_path {prefix}/scgi;
  keepalive_requests 1000000;
  server {{
    listen 127.0.0.1:{port} backlog=4096;
    location / {{ return 200 "Hello, world!\\n"; }}
  }}
}}
""")
    return ["nginx", "-p", prefix, "-c", conf, "-e", "stderr"]


def weft(model):
    return lambda port: [os.path.join(BUILD, "net", "weft-httpd"), "--model", model,
                         "--port", str(port), "--max-conns", "20000"]


SERVERS = {
    "nginx": nginx_cmd,
    "libuv": lambda port: [os.path.join(BUILD, "bench-net", "uv_hello"), str(port)],
    "asyncio": lambda port: ["/usr/bin/python3", os.path.join(HERE, "bench", "asyncio_hello.py"), str(port)],
    "uvloop": lambda port: ["/usr/bin/python3", os.path.join(HERE, "bench", "asyncio_hello.py"), str(port), "--uvloop"],
    "weft_event": weft("event"),
    "weft_thread": weft("thread"),
    "weft_process": weft("process"),
}
PEERS = ["nginx", "libuv", "asyncio", "uvloop"]
WEFT = ["weft_event", "weft_thread", "weft_process"]
if os.environ.get("NET_BENCH_ONLY"):  # a comma-separated subset, for quick looks
    keep = os.environ["NET_BENCH_ONLY"].split(",")
    SERVERS = {k: v for k, v in SERVERS.items() if k in keep}
    PEERS = [p for p in PEERS if p in keep]
    WEFT = [w for w in WEFT if w in keep]


def children(pid):
    out = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                out += [int(c) for c in f.read().split()]
    except OSError:
        pass
    return out


def cpu_seconds(pid):
    """CPU time of pid and its live children. For each process, the larger
    of two readings: the scheduler's nanoseconds summed over its live
    threads (/proc/P/task/*/schedstat), and utime+stime from /proc/P/stat,
    which also holds threads that have exited but is sampled at clock
    ticks. With a process per connection utime+stime charged 100 busy
    children almost nothing (0.01 s); with a thread per connection the
    threads have exited by the time wrk stops, taking their schedstat
    with them. Each reading is right where the other fails."""
    total = 0
    for p in [pid] + children(pid):
        sched = ticks = 0
        try:
            with open(f"/proc/{p}/stat") as f:
                ticks = sum(int(x) for x in f.read().rsplit(")", 1)[1].split()[11:15])
            for tid in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{tid}/schedstat") as f:
                    sched += int(f.read().split()[0])
        except OSError:
            pass
        total += max(sched / 1e9, ticks / TICK)
    return total


def pss_kib(pid):
    total = 0
    for p in [pid] + children(pid):
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                total += int(re.search(r"^Pss:\s+(\d+)", f.read(), re.M).group(1))
        except (OSError, AttributeError):
            pass
    return total


def start(name):
    port = free_port()
    proc = subprocess.Popen(["taskset", "-c", SERVER_CPU] + SERVERS[name](port),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            preexec_fn=lambda: __import__("resource").setrlimit(
                                __import__("resource").RLIMIT_NOFILE, (20000, 20000)))
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc, port
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError(f"{name} did not start")


def stop(proc):
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def wrk(port, conns, seconds, script=None):
    cmd = ["taskset", "-c", WRK_CPU, "wrk", "-t1", f"-c{conns}", f"-d{seconds}s", "--latency",
           "--timeout", "5s"]
    if script:
        cmd += ["-s", script]
    out = subprocess.run(cmd + [f"http://127.0.0.1:{port}/hello"], capture_output=True,
                         text=True, timeout=seconds + 30).stdout
    return parse_wrk(out)


def parse_wrk(out):
    """wrk's report -> (requests, errors, {percentile: us})."""
    reqs = int(re.search(r"(\d+) requests in", out).group(1))
    errs = sum(int(x) for x in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    errs += int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", out)) else 0
    lat = {}
    for pct, val, unit in re.findall(r"^\s+(50|90|99)%\s+([\d.]+)(us|ms|s)\s*$", out, re.M):
        lat[pct] = float(val) * {"us": 1, "ms": 1e3, "s": 1e6}[unit]
    # wrk times a pipelined batch, not each request, and its percentiles
    # of batches can come out as 0.00us above a non-zero median (seen for
    # asyncio and uvloop at 16 per write). A percentile below a lower one
    # is not a measurement: leave it out rather than print it.
    for lo, hi in (("50", "90"), ("90", "99"), ("50", "99")):
        if lo in lat and hi in lat and lat[hi] < lat[lo]:
            sys.stderr.write(f"net_bench: wrk gave p{hi} {lat[hi]} us below p{lo} {lat[lo]} us: p{hi} left out\n")
            del lat[hi]
    return reqs, errs, lat


def self_test():
    """The parser on wrk's own words (`net_bench.py --self-test`, in make test)."""
    report = ("  1000 requests in 1.00s, 80.00KB read\n"
              "  Socket errors: connect 0, read 2, write 0, timeout 1\n"
              "  Latency Distribution\n     50%    7.82ms\n     75%    9.00ms\n"
              "     90%   12.50ms\n     99%    0.00us\n")
    reqs, errs, lat = parse_wrk(report)
    assert (reqs, errs) == (1000, 3), (reqs, errs)
    assert lat == {"50": 7820.0, "90": 12500.0}, lat     # the 0.00us p99 left out
    print("net_bench: self-test passed")


def measure(name, conns, script=None):
    proc, port = start(name)
    try:
        c0, t0 = cpu_seconds(proc.pid), time.time()
        reqs, errs, lat = wrk(port, conns, SECONDS, script)
        c1, t1 = cpu_seconds(proc.pid), time.time()
        return {"us_per_req": (c1 - c0) * 1e6 / max(reqs, 1), "rps": reqs / (t1 - t0),
                "errors": errs, **{f"p{k}_us": v for k, v in lat.items()}}
    finally:
        stop(proc)


def memory(name, conns):
    """PSS during a 1,000-connection run; then, on a fresh server (so memory
    freed by the busy run cannot be reused and hide the cost), PSS per idle
    keep-alive connection: 10,000 (1,000 for threads and processes), each
    answered once and then held open."""
    proc, port = start(name)
    try:
        holder = subprocess.Popen(["taskset", "-c", WRK_CPU, "wrk", "-t1", f"-c{conns}", "-d3s",
                                   "--timeout", "5s", f"http://127.0.0.1:{port}/hello"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(2)
        busy = pss_kib(proc.pid)
        holder.wait()
    finally:
        stop(proc)
    proc, port = start(name)
    try:
        time.sleep(0.3)
        base = pss_kib(proc.pid)
        idle_n = 1000 if name in ("weft_thread", "weft_process") else 10000
        socks = []
        for _ in range(idle_n):
            s = socket.create_connection(("127.0.0.1", port))
            s.sendall(b"GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
            socks.append(s)
        for s in socks:
            s.settimeout(5)
            s.recv(4096)
        time.sleep(0.5)
        per_conn = (pss_kib(proc.pid) - base) * 1024 / idle_n
        for s in socks:
            s.close()
        return busy / 1024, per_conn
    finally:
        stop(proc)


def median(xs):
    xs = sorted(xs)
    n = len(xs)
    return xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2


def bench(name, value, unit):
    print(f"bench: {name} {value:.4g} {unit}", flush=True)


def main():
    import resource
    resource.setrlimit(resource.RLIMIT_NOFILE, (20000, 20000))
    pipe = os.path.join(HERE, "bench", "pipeline.lua")
    runs = {s: {"ka": [], "pipe": []} for s in SERVERS}
    for r in range(ROUNDS):
        for s in SERVERS:
            print(f"net-bench: round {r + 1}/{ROUNDS} {s}", file=sys.stderr, flush=True)
            runs[s]["ka"].append(measure(s, 100))
            runs[s]["pipe"].append(measure(s, 100, pipe))
    for s in SERVERS:
        for kind in ("ka", "pipe"):
            rs = runs[s][kind]
            for key, unit in (("us_per_req", "us"), ("rps", "req/s"), ("p50_us", "us"),
                              ("p99_us", "us"), ("errors", "count")):
                vals = [x[key] for x in rs if key in x]  # wrk may omit a percentile
                if vals:
                    bench(f"net_{kind}_{s}_{key}", median(vals), unit)
    for w in WEFT:
        for p in PEERS:
            for kind in ("ka", "pipe"):
                ratios = [a["us_per_req"] / b["us_per_req"]
                          for a, b in zip(runs[w][kind], runs[p][kind])]
                name = f"net_{kind}_cpu_{w}_vs_{p}"
                bench(name, median(ratios), "x")
                bench(name + "_min", min(ratios), "x")
                bench(name + "_max", max(ratios), "x")
    for s in SERVERS if not os.environ.get("NET_BENCH_NO_MEMORY") else []:
        print(f"net-bench: memory {s}", file=sys.stderr, flush=True)
        busy, per_conn = memory(s, 1000)
        bench(f"net_{s}_pss_1000c", busy, "MiB")
        bench(f"net_{s}_idle_conn", per_conn, "bytes")


if __name__ == "__main__":
    self_test() if SELF_TEST else main()
