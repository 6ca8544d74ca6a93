#!/usr/bin/python3
"""pool_bench_stats.py: turn rounds of pool measurements into bench lines with their spread.

Course idea: a measured figure on a shared machine means something only
with its spread, and a ratio means something only if its two sides saw the
same machine. This reads the rounds that pool-bench and pool_bench.py print
("round R PROGRAM NAME VALUE UNIT", "cpus PROGRAM LIST") and prints, for
every figure and every ratio,

  bench: NAME MEDIAN UNIT        the median over the rounds
  bench: NAME_min MIN UNIT       the smallest round
  bench: NAME_max MAX UNIT       the largest round

A ratio is computed inside each round (weft's figure over its peer's, from
the same round) and only then summarised: the median of the per-round
ratios, never a ratio of two medians. Then it judges the figures:

  - the control (one thread hashing a fixed amount, timed at both ends of
    every weft round) must hold still: if its interquartile range over the
    run exceeds --max-control-spread percent of its median, the machine's
    speed changed under the measurements and every figure is flagged;
  - a figure whose middle half of rounds (the interquartile range) spans
    more than --max-iqr percent of its median is flagged as noisy.

The verdict goes to stderr, by name, and into three bench lines:
pool_bench_rounds, pool_bench_control_spread (%) and pool_bench_noisy_figures.
Every program must have run on the same cores ("cpus" lines), or this fails.

Usage: tools/pool_bench_stats.py [--max-iqr PCT] [--max-control-spread PCT] [FILE]
"""
import argparse
import statistics
import sys

# name: (numerator, denominator), both from the same round.
RATIOS = {
    "threadpool_tiny_vs_gthreadpool": ("threadpool_tiny_weft", "threadpool_tiny_gthreadpool"),
    "threadpool_cpu_vs_gthreadpool": ("threadpool_cpu_weft", "threadpool_cpu_gthreadpool"),
    "threadpool_tiny_vs_python_tpe": ("threadpool_tiny_weft", "threadpool_tiny_python_tpe"),
    "procpool_tiny_vs_python_ppe": ("procpool_tiny_weft", "procpool_tiny_python_ppe"),
    "threadpool_cpu_scaling_weft": ("threadpool_cpu_weft", "threadpool_cpu_1worker_weft"),
    "threadpool_cpu_scaling_gthreadpool": ("threadpool_cpu_gthreadpool",
                                           "threadpool_cpu_1worker_gthreadpool"),
    "procpool_cpu_scaling_weft": ("procpool_cpu_weft", "procpool_cpu_1worker_weft"),
    "threadpool_cpu_scaling_python_tpe": ("threadpool_cpu_python_tpe",
                                          "threadpool_cpu_1worker_python_tpe"),
    "procpool_cpu_scaling_python_ppe": ("procpool_cpu_python_ppe",
                                        "procpool_cpu_1worker_python_ppe"),
}
CONTROLS = ("control", "control_end")


def fail(msg):
    print(f"pool_bench_stats.py: {msg}", file=sys.stderr)
    sys.exit(1)


def read_rounds(f):
    """{name: {round: value}}, {name: unit}, {program: cpu list}."""
    values, units, cpus = {}, {}, {}
    for n, line in enumerate(f, 1):
        w = line.split()
        if len(w) == 3 and w[0] == "cpus":
            cpus[w[1]] = w[2]
        elif len(w) == 6 and w[0] == "round":
            try:
                r, v = int(w[1]), float(w[4])
            except ValueError:
                fail(f"line {n}: not a round line: {line.strip()}")
            if not v > 0:
                fail(f"line {n}: {w[3]} is {w[4]}: a figure must be positive")
            values.setdefault(w[3], {})[r] = v
            units[w[3]] = w[5]
        elif w:
            fail(f"line {n}: not a round or cpus line: {line.strip()}")
    return values, units, cpus


def summary(v):
    """(median, min, max, relative IQR) of a list of per-round values."""
    med = statistics.median(v)
    if len(v) < 2:
        return med, min(v), max(v), 0.0
    q1, _, q3 = statistics.quantiles(v, n=4, method="inclusive")
    return med, min(v), max(v), (q3 - q1) / med


def fmt(value, unit):
    return f"{value:.0f}" if unit == "tasks/s" else f"{value:.2f}" if unit == "x" else f"{value:.4f}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0].split(": ", 1)[1])
    ap.add_argument("file", nargs="?", type=argparse.FileType("r"), default=sys.stdin,
                    help="the rounds (default: stdin)")
    ap.add_argument("--max-iqr", type=float, default=25.0, metavar="PCT",
                    help="flag a figure whose interquartile range exceeds PCT%% of its median (default 25)")
    ap.add_argument("--max-control-spread", type=float, default=10.0, metavar="PCT",
                    help="flag every figure if the control's interquartile range exceeds "
                         "PCT%% of its median (default 10)")
    args = ap.parse_args()
    if not (args.max_iqr > 0 and args.max_control_spread > 0):
        ap.error("the thresholds must be positive percentages")
    values, units, cpus = read_rounds(args.file)
    if len(set(cpus.values())) > 1:
        fail("the programs ran on different cores: "
             + ", ".join(f"{p} on {c}" for p, c in sorted(cpus.items())))
    rounds = sorted({r for per in values.values() for r in per})
    if not rounds:
        fail("no rounds to summarise")
    for name, (a, b) in RATIOS.items():
        if a in values and b in values:
            common = set(values[a]) & set(values[b])
            values[name] = {r: values[a][r] / values[b][r] for r in common}
            units[name] = "x"
    control = {f"{c}@{r}": v for c in CONTROLS for r, v in values.pop(c, {}).items()}
    if control:
        values["pool_bench_control"] = control
        units["pool_bench_control"] = "s"
    control_spread = summary(list(control.values()))[3] * 100 if control else 0.0
    busy = control_spread > args.max_control_spread
    noisy = []
    for name in values:
        med, lo, hi, iqr = summary(list(values[name].values()))
        u = units[name]
        print(f"bench: {name} {fmt(med, u)} {u}")
        print(f"bench: {name}_min {fmt(lo, u)} {u}")
        print(f"bench: {name}_max {fmt(hi, u)} {u}")
        if iqr * 100 > args.max_iqr:
            noisy.append(f"{name}: the middle half of its rounds spans {iqr * 100:.0f}% "
                         f"of its median (limit {args.max_iqr:g}%)")
    print(f"bench: pool_bench_rounds {len(rounds)} rounds")
    print(f"bench: pool_bench_control_spread {control_spread:.1f} %")
    print(f"bench: pool_bench_noisy_figures {len(values) if busy else len(noisy)} figures")
    report(len(rounds), cpus, control_spread, busy, noisy, args)


def report(nrounds, cpus, control_spread, busy, noisy, args):
    err = sys.stderr
    print(f"pool-bench: measured figures, not deterministic: medians of {nrounds} rounds on "
          f"cores {next(iter(cpus.values()), '?')}, ratios paired round by round, "
          f"_min/_max the spread", file=err)
    print(f"pool-bench: the control's middle half spans {control_spread:.1f}% of its median "
          f"(limit {args.max_control_spread:g}%)", file=err)
    if busy:
        print("pool-bench: THE MACHINE WAS TOO BUSY: the control moved, so no figure of this "
              "run means much (all are counted in pool_bench_noisy_figures); run again on a "
              "quiet machine", file=err)
    for n in noisy:
        print(f"pool-bench: NOISY {n}", file=err)


if __name__ == "__main__":
    main()
