#!/usr/bin/python3
"""pool_bench.py: one round of Python's own pools, measured as pool_bench.c measures weft's.

Course idea: the peers the course compares against. ThreadPoolExecutor and
ProcessPoolExecutor with 2 workers run
  tiny  a task that returns its argument (pool overhead per submit), and
  cpu   a pure-Python hashing loop of a fixed PY_CPU_ROUNDS rounds (about
        1.4 ms on the development machine; fixed, never calibrated, so a busy
        machine shows as fewer tasks/s, not as lighter tasks), on 1 worker
        and on 2: the ratio is the scaling. Threads stay near 1.0x, because
        the GIL lets one thread run Python at a time.
Pools are started and warmed up (every worker spawned) before the clock
starts, as in pool_bench.c. One run is one round; tools/pool-bench.sh runs
the rounds, pinned to the same cores as pool-bench and alternating which
program and which pair member runs first, and tools/pool_bench_stats.py
pairs the figures round by round.

Output: "cpus python LIST", then "round R python NAME VALUE UNIT" lines.
"""
import argparse
import concurrent.futures as cf
import multiprocessing as mp
import os
import sys
import time

WORKERS = 2
PY_CPU_ROUNDS = 10000
COUNTS = {"tpe_tiny": 20000, "ppe_tiny": 5000, "cpu": 100}


def tiny(x):
    return x


def cpu(_):
    h = 1469598103934665603
    for i in range(PY_CPU_ROUNDS):
        h ^= i & 0xFF
        h = (h * 1099511628211) & 0xFFFFFFFFFFFFFFFF
    return h


def rate(make_pool, workers, fn, n):
    """Tasks per second to submit n tasks and collect every result, pool warm."""
    with make_pool(workers) as pool:
        for f in [pool.submit(tiny, i) for i in range(workers * 4)]:
            f.result()
        t0 = time.perf_counter()
        futures = [pool.submit(fn, i) for i in range(n)]
        for f in futures:
            f.result()
        return n / (time.perf_counter() - t0)


def threads(n):
    return cf.ThreadPoolExecutor(max_workers=n)


def processes(n):
    return cf.ProcessPoolExecutor(max_workers=n, mp_context=mp.get_context("fork"))


def pair(second_first, a, b):
    """Run a() and b() back to back in the order asked; return (a, b)."""
    if second_first:
        rb = b()
        return a(), rb
    ra = a()
    return ra, b()


def round_number(text):
    r = int(text)
    if not 1 <= r <= 1000:
        raise argparse.ArgumentTypeError(f"a round number from 1 to 1000, not {text}")
    return r


def main():
    ap = argparse.ArgumentParser(
        description="One round of ThreadPoolExecutor and ProcessPoolExecutor "
                    "(2 workers; tiny tasks, and cpu tasks of %d Python hashing rounds "
                    "on 1 and 2 workers). Prints 'round R python NAME VALUE UNIT' lines."
                    % PY_CPU_ROUNDS)
    ap.add_argument("-r", "--round", type=round_number, default=1,
                    help="the round's number, 1 to 1000, for the output (default 1)")
    ap.add_argument("--order", choices=["weft", "peer"], default="weft",
                    help="which member of each 1-worker/2-worker pair runs first: "
                         "weft (2 workers first, the default) or peer (1 worker first); "
                         "tools/pool-bench.sh alternates it from round to round")
    ap.add_argument("-q", "--quick", action="store_true",
                    help="1/20 of the tasks: a smoke test, not a measurement")
    args = ap.parse_args()
    n = {k: max(v // 20, 2) if args.quick else v for k, v in COUNTS.items()}
    first = args.order == "peer"
    print("cpus python", ",".join(map(str, sorted(os.sched_getaffinity(0)))), flush=True)
    print(f"pool_bench.py: round {args.round}", file=sys.stderr)
    out = []
    out.append(("threadpool_tiny_python_tpe", rate(threads, WORKERS, tiny, n["tpe_tiny"])))
    out.append(("procpool_tiny_python_ppe", rate(processes, WORKERS, tiny, n["ppe_tiny"])))
    t2, t1 = pair(first, lambda: rate(threads, 2, cpu, n["cpu"]),
                  lambda: rate(threads, 1, cpu, n["cpu"]))
    p2, p1 = pair(first, lambda: rate(processes, 2, cpu, n["cpu"]),
                  lambda: rate(processes, 1, cpu, n["cpu"]))
    out += [("threadpool_cpu_python_tpe", t2), ("threadpool_cpu_1worker_python_tpe", t1),
            ("procpool_cpu_python_ppe", p2), ("procpool_cpu_1worker_python_ppe", p1)]
    for name, value in out:
        print(f"round {args.round} python {name} {value:.6g} tasks/s")


if __name__ == "__main__":
    main()
