#!/usr/bin/env bash
# pool-bench.sh: weft's pools against GThreadPool and Python's executors, in one run.
#
# Usage: tools/pool-bench.sh POOL_BENCH_BINARY [C_RUNS [PYTHON_RUNS]]
# Runs the C bench (weft and GThreadPool side by side) and the Python bench
# (ThreadPoolExecutor, ProcessPoolExecutor) one after the other, prints all
# their "bench: NAME VALUE UNIT" lines, then the ratios of weft to each peer.
# Tiny-task figures swing by 2x between rounds on a shared 2-core VM, hence
# 9 rounds by default for the C pools (cheap) and 5 for Python (slow).
# The system load average goes to stderr with the figures: on a busy machine
# every pool slows down, but the ratios move less than the absolute numbers.
set -euo pipefail
bin=$1; runs=${2:-9}; py_runs=${3:-5}
here=$(cd "$(dirname "$0")" && pwd)
echo "pool-bench: load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
out=$({ "$bin" "$runs"; /usr/bin/python3 "$here/pool_bench.py" "$py_runs"; })
echo "$out"
echo "pool-bench: load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
echo "$out" | awk '
  $1 == "bench:" { v[$2] = $3 }
  function ratio(name, a, b) { if (v[a] > 0 && v[b] > 0) printf "bench: %s %.2f x\n", name, v[a] / v[b] }
  END {
    ratio("threadpool_tiny_vs_python_tpe", "threadpool_tiny_weft", "threadpool_tiny_python_tpe")
    ratio("procpool_tiny_vs_python_ppe", "procpool_tiny_weft", "procpool_tiny_python_ppe")
    ratio("threadpool_cpu1ms_vs_python_tpe", "threadpool_cpu1ms_weft", "threadpool_cpu1ms_python_tpe")
    ratio("procpool_cpu1ms_vs_python_ppe", "procpool_cpu1ms_weft", "procpool_cpu1ms_python_ppe")
  }'
