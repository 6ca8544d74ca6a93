#!/usr/bin/python3
"""pool_bench.py: Python's own pools, measured the way tools/pool_bench.c
measures weft's, so tools/pool-bench.sh can print the ratios.

Course idea: the peers the course compares against. ThreadPoolExecutor and
ProcessPoolExecutor with 2 workers run
  tiny    a task that returns its argument (pool overhead per submit), and
  cpu1ms  a pure-Python hashing loop calibrated to about 1 ms here, with 1
          and then 2 workers: the ratio is the scaling. Threads stay near
          1.0x, because the GIL lets one thread run Python at a time.
Pools are started and warmed up (every worker spawned) before the clock
starts, as in pool_bench.c. Each figure is the median of several runs.

Usage: tools/pool_bench.py [runs]      prints "bench: NAME VALUE UNIT" lines
"""
import concurrent.futures as cf
import multiprocessing as mp
import statistics
import sys
import time

WORKERS = 2
TPE_TINY = 50000
PPE_TINY = 10000
CPU_TASKS = 200
ROUNDS_PER_MS = 1  # set by calibrate()


def tiny(x):
    return x


def fnv1a_rounds(rounds):
    h = 1469598103934665603
    for i in range(rounds):
        h ^= i & 0xFF
        h = (h * 1099511628211) & 0xFFFFFFFFFFFFFFFF
    return h


def cpu(_):
    return fnv1a_rounds(ROUNDS_PER_MS)


def calibrate():
    n = 1000
    while True:
        t0 = time.perf_counter()
        fnv1a_rounds(n)
        dt = time.perf_counter() - t0
        if dt > 0.05:
            return int(n * 0.001 / dt)
        n *= 2


def timed(make_pool, workers, fn, n):
    """Seconds to submit n tasks and collect every result, pool already warm."""
    with make_pool(workers) as pool:
        for f in [pool.submit(tiny, i) for i in range(workers * 4)]:
            f.result()
        t0 = time.perf_counter()
        futures = [pool.submit(fn, i) for i in range(n)]
        for f in futures:
            f.result()
        return time.perf_counter() - t0


def threads(n):
    return cf.ThreadPoolExecutor(max_workers=n)


def processes(n):
    return cf.ProcessPoolExecutor(max_workers=n, mp_context=mp.get_context("fork"))


def main():
    global ROUNDS_PER_MS
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    ROUNDS_PER_MS = calibrate()  # before forking, so workers inherit it
    print(f"pool_bench.py: {runs} runs; 1 ms = {ROUNDS_PER_MS} Python rounds",
          file=sys.stderr)
    results = {k: [] for k in ("tpe", "ppe", "tpe1", "tpe2", "ppe1", "ppe2")}
    for r in range(runs):
        print(f"pool_bench.py: run {r + 1}/{runs}", file=sys.stderr)
        results["tpe"].append(TPE_TINY / timed(threads, WORKERS, tiny, TPE_TINY))
        results["ppe"].append(PPE_TINY / timed(processes, WORKERS, tiny, PPE_TINY))
        results["tpe1"].append(CPU_TASKS / timed(threads, 1, cpu, CPU_TASKS))
        results["tpe2"].append(CPU_TASKS / timed(threads, 2, cpu, CPU_TASKS))
        results["ppe1"].append(CPU_TASKS / timed(processes, 1, cpu, CPU_TASKS))
        results["ppe2"].append(CPU_TASKS / timed(processes, 2, cpu, CPU_TASKS))
    m = {k: statistics.median(v) for k, v in results.items()}
    print(f"bench: threadpool_tiny_python_tpe {m['tpe']:.0f} tasks/s")
    print(f"bench: procpool_tiny_python_ppe {m['ppe']:.0f} tasks/s")
    print(f"bench: threadpool_cpu1ms_python_tpe {m['tpe2']:.0f} tasks/s")
    print(f"bench: procpool_cpu1ms_python_ppe {m['ppe2']:.0f} tasks/s")
    print(f"bench: threadpool_cpu1ms_scaling_python_tpe {m['tpe2'] / m['tpe1']:.2f} x")
    print(f"bench: procpool_cpu1ms_scaling_python_ppe {m['ppe2'] / m['ppe1']:.2f} x")


if __name__ == "__main__":
    main()
