#!/usr/bin/env bash
# pool-bench.sh: weft's pools against GThreadPool and Python's executors, in paired rounds.
#
# Usage: tools/pool-bench.sh [--quick] POOL_BENCH_BINARY [ROUNDS]    (--help)
#
# Course idea: a benchmark on a shared machine. Every figure here is a
# measurement, not a deterministic count (the kernel's figures are those),
# so the run is built to make the measurements comparable:
#   - every program is pinned (taskset) to the same cores, the first two
#     this shell may use, so weft and its peers compete for the same CPUs;
#   - ROUNDS rounds (default 9); each round runs pool-bench (weft and
#     GThreadPool) and pool_bench.py (Python) once, and the order alternates:
#     odd rounds run the C program first and let weft go first in each pair,
#     even rounds run Python first and let the peer go first;
#   - tools/pool_bench_stats.py pairs every ratio inside its round, prints
#     median, _min and _max lines, and says which figures the machine was
#     too busy to measure (on stderr, and as pool_bench_noisy_figures).
# --quick runs both programs with 1/20 of the tasks: a smoke test of this
# pipeline (tests/host/pool_bench_test.sh), not a measurement.
set -euo pipefail
usage() {
  sed -n '/^# Usage:/,/^# --quick/p' "$0" | sed 's/^# \{0,1\}//'
  echo "Prints 'bench: NAME VALUE UNIT' lines on stdout; progress and the verdict on stderr."
  echo "Exit status: 0 done, 1 a program failed, 2 bad usage."
}
bad() { echo "pool-bench.sh: $1 (pool-bench.sh --help)" >&2; exit 2; }
quick=
while [ $# -gt 0 ]; do
  case $1 in
    -h|--help) usage; exit 0 ;;
    -q|--quick) quick=--quick; shift ;;
    --) shift; break ;;
    -*) bad "unknown option $1" ;;
    *) break ;;
  esac
done
[ $# -ge 1 ] && [ $# -le 2 ] || bad "wants POOL_BENCH_BINARY [ROUNDS]"
bin=$1; rounds=${2:-9}
[ -x "$bin" ] && [ -f "$bin" ] || bad "$bin is not an executable file"
[[ $rounds =~ ^[0-9]+$ ]] && [ "$rounds" -ge 1 ] && [ "$rounds" -le 100 ] \
  || bad "ROUNDS wants a whole number from 1 to 100, not '$rounds'"

here=$(cd "$(dirname "$0")" && pwd)
cpus=$(/usr/bin/python3 -c 'import os; print(",".join(map(str, sorted(os.sched_getaffinity(0))[:2])))')
[[ $cpus == *,* ]] || echo "pool-bench.sh: only one core ($cpus): the 2-worker figures cannot scale" >&2
raw=$(mktemp); trap 'rm -f "$raw"' EXIT
echo "pool-bench: $rounds rounds pinned to cores $cpus; load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
c_round() { taskset -c "$cpus" "$bin" $quick --round "$1" --order "$2" >> "$raw"; }
py_round() { taskset -c "$cpus" /usr/bin/python3 "$here/pool_bench.py" $quick --round "$1" --order "$2" >> "$raw"; }
for r in $(seq "$rounds"); do
  if [ $((r % 2)) -eq 1 ]; then c_round "$r" weft; py_round "$r" weft
  else py_round "$r" peer; c_round "$r" peer; fi
done
echo "pool-bench: load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
/usr/bin/python3 "$here/pool_bench_stats.py" "$raw"
