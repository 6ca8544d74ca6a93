#!/usr/bin/env bash
# pool_bench_test.sh: the pool benchmarks refuse bad arguments, and their statistics are right.
#
# Course idea: a benchmark is a tool like any other (arguments checked first,
# --help, exit 2 on bad usage), and its statistics are code that can be
# wrong. So this checks, without timing anything:
#   - pool-bench, pool_bench.py and pool-bench.sh: --help exits 0 and names
#     every option; bad usage exits 2 at once, with a message, measuring nothing;
#   - pool_bench_stats.py on made-up rounds: a ratio is the median of the
#     per-round ratios (not the ratio of the medians), _min and _max are the
#     extreme rounds, a spread-out figure is flagged, a control that moved
#     flags every figure, programs pinned to different cores are refused;
#   - the whole pipeline in --quick mode: every figure present, min <= median
#     <= max, stdout only bench lines, and tools/bench-json.sh makes JSON of it.
# mk/pools.mk fills in the paths. Ends with "N passed, N failed".
set -u
bench=@POOL_BENCH@
tools=@TOOLS@
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
pass=0; fail=0
check() { if eval "$2"; then pass=$((pass + 1)); echo "ok   $1"; else fail=$((fail + 1)); echo "FAIL $1"; fi; }
py=/usr/bin/python3

# 1. Arguments.
"$bench" --help > "$dir/help"; rc=$?
check "pool-bench --help exits 0 and names every option" \
  "[ $rc -eq 0 ] && for o in -r --round --order --quick -q -h --help; do grep -q -- \"\$o\" '$dir/help' || exit 1; done"
check "pool-bench -h is --help" "\"$bench\" -h | cmp -s - '$dir/help'"
"$py" "$tools/pool_bench.py" --help > "$dir/help"; rc=$?
check "pool_bench.py --help exits 0 and names every option" \
  "[ $rc -eq 0 ] && for o in --round --order --quick --help; do grep -q -- \"\$o\" '$dir/help' || exit 1; done"
"$tools/pool-bench.sh" --help > "$dir/help"; rc=$?
check "pool-bench.sh --help exits 0 and explains ROUNDS and --quick" \
  "[ $rc -eq 0 ] && grep -q ROUNDS '$dir/help' && grep -q -- --quick '$dir/help'"
badcase() { # badcase LABEL COMMAND...: exit 2, a message, no output, under 2 s
  local start rc ms; start=$(date +%s%N)
  "${@:2}" > "$dir/out" 2> "$dir/err"; rc=$?
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  check "bad usage: $1 (exit $rc, ${ms} ms)" "[ $rc -eq 2 ] && [ -s '$dir/err' ] && ! [ -s '$dir/out' ] && [ $ms -lt 2000 ]"
}
badcase "pool-bench -r 0" "$bench" -r 0
badcase "pool-bench -r -3" "$bench" -r -3
badcase "pool-bench -r x" "$bench" -r x
badcase "pool-bench --order left" "$bench" --order left
badcase "pool-bench stray" "$bench" 5
badcase "pool-bench --bogus" "$bench" --bogus
badcase "pool_bench.py --round 0" "$py" "$tools/pool_bench.py" --round 0
badcase "pool_bench.py --order x" "$py" "$tools/pool_bench.py" --order x
badcase "pool_bench.py stray" "$py" "$tools/pool_bench.py" 5
badcase "pool-bench.sh with nothing" "$tools/pool-bench.sh"
badcase "pool-bench.sh ROUNDS 0" "$tools/pool-bench.sh" "$bench" 0
badcase "pool-bench.sh ROUNDS abc" "$tools/pool-bench.sh" "$bench" abc
badcase "pool-bench.sh a missing binary" "$tools/pool-bench.sh" /nonexistent 3
badcase "pool-bench.sh --bogus" "$tools/pool-bench.sh" --bogus "$bench"
badcase "pool_bench_stats.py --max-iqr -5" "$py" "$tools/pool_bench_stats.py" --max-iqr -5 /dev/null

# 2. The statistics, on rounds made up so that the right answer is known.
stats() { "$py" "$tools/pool_bench_stats.py" "$@"; }
fig() { awk -v n="$1" '$1 == "bench:" && $2 == n { print $3 }' "$2"; }
cat > "$dir/rounds" <<'R'
cpus weft 0,1
cpus python 0,1
round 1 weft control 1.00 s
round 1 weft threadpool_tiny_weft 10 tasks/s
round 1 weft threadpool_tiny_gthreadpool 2 tasks/s
round 1 weft control_end 1.01 s
round 2 weft control 1.00 s
round 2 weft threadpool_tiny_weft 4 tasks/s
round 2 weft threadpool_tiny_gthreadpool 1 tasks/s
round 2 weft control_end 1.02 s
round 3 weft control 1.01 s
round 3 weft threadpool_tiny_weft 6 tasks/s
round 3 weft threadpool_tiny_gthreadpool 6 tasks/s
round 3 weft control_end 1.00 s
R
stats "$dir/rounds" > "$dir/out" 2> "$dir/err"; rc=$?
cat "$dir/out" "$dir/err"
check "stats: exits 0" "[ $rc -eq 0 ]"
check "stats: medians of the figures (6 and 2)" \
  "[ \"\$(fig threadpool_tiny_weft '$dir/out') \$(fig threadpool_tiny_gthreadpool '$dir/out')\" = '6 2' ]"
check "stats: the ratio is the median of per-round ratios (4.00), not 6/2" \
  "[ \"\$(fig threadpool_tiny_vs_gthreadpool '$dir/out')\" = 4.00 ]"
check "stats: _min and _max are the extreme rounds (1.00, 5.00)" \
  "[ \"\$(fig threadpool_tiny_vs_gthreadpool_min '$dir/out') \$(fig threadpool_tiny_vs_gthreadpool_max '$dir/out')\" = '1.00 5.00' ]"
check "stats: a still control does not call the machine busy" \
  "! grep -q 'TOO BUSY' '$dir/err' && [ \"\$(fig pool_bench_rounds '$dir/out')\" = 3 ]"
check "stats: the spread-out ratio is flagged by name, the others not" \
  "grep -q 'NOISY threadpool_tiny_vs_gthreadpool:' '$dir/err' && [ \"\$(fig pool_bench_noisy_figures '$dir/out')\" = \$(grep -c NOISY '$dir/err') ]"
sed 's/^round 3 weft control_end 1.00 s/round 3 weft control_end 1.90 s/; s/^round 2 weft control 1.00 s/round 2 weft control 1.70 s/' \
  "$dir/rounds" > "$dir/busy"
stats "$dir/busy" > "$dir/out" 2> "$dir/err"
check "stats: a control that moved flags every figure" \
  "grep -q 'TOO BUSY' '$dir/err' && [ \"\$(fig pool_bench_noisy_figures '$dir/out')\" = 4 ]"
sed 's/^cpus python 0,1/cpus python 2,3/' "$dir/rounds" > "$dir/cores"
stats "$dir/cores" > "$dir/out" 2> "$dir/err"; rc=$?
check "stats: programs on different cores are refused" "[ $rc -eq 1 ] && grep -q 'different cores' '$dir/err'"
printf 'round 1 weft x 0 tasks/s\n' | stats > /dev/null 2> "$dir/err"; rc=$?
check "stats: a figure of 0 is refused" "[ $rc -eq 1 ] && grep -q positive '$dir/err'"
printf 'garbage here\n' | stats > /dev/null 2> "$dir/err"; rc=$?
check "stats: a stray line is refused" "[ $rc -eq 1 ] && grep -q 'not a round' '$dir/err'"

# 3. The whole pipeline, quick: two rounds, both orders.
"$tools/pool-bench.sh" --quick "$bench" 2 > "$dir/out" 2> "$dir/err"; rc=$?
cat "$dir/err"
check "pipeline: exits 0" "[ $rc -eq 0 ]"
check "pipeline: stdout is bench lines only" "[ -s '$dir/out' ] && ! grep -qv '^bench: ' '$dir/out'"
missing=
for n in threadpool_tiny_weft threadpool_tiny_gthreadpool threadpool_tiny_vs_gthreadpool \
         threadpool_cpu_weft threadpool_cpu_vs_gthreadpool procpool_tiny_weft procpool_cpu_weft \
         threadpool_tiny_python_tpe procpool_tiny_python_ppe threadpool_tiny_vs_python_tpe \
         procpool_tiny_vs_python_ppe threadpool_cpu_scaling_weft threadpool_cpu_scaling_gthreadpool \
         procpool_cpu_scaling_weft threadpool_cpu_scaling_python_tpe procpool_cpu_scaling_python_ppe \
         pool_bench_control pool_bench_rounds pool_bench_control_spread pool_bench_noisy_figures; do
  [ -n "$(fig $n "$dir/out")" ] || missing="$missing $n"
done
check "pipeline: every figure is there${missing:+ (missing:$missing)}" "[ -z '$missing' ]"
check "pipeline: min <= median <= max for every figure" \
  "awk '\$1 == \"bench:\" { v[\$2] = \$3 } END { for (n in v) if ((n \"_min\") in v && !(v[n \"_min\"] <= v[n] && v[n] <= v[n \"_max\"])) { print n; bad = 1 }; exit bad }' '$dir/out'"
check "pipeline: both programs pinned, the order alternated" \
  "grep -q 'pinned to cores' '$dir/err' && grep -q 'round 1, weft first' '$dir/err' && grep -q 'round 2, GThreadPool first' '$dir/err'"
check "pipeline: bench-json.sh makes valid JSON with every line" \
  "$tools/bench-json.sh < '$dir/out' | $py -c 'import json, sys; d = json.load(sys.stdin); sys.exit(len(d) != int(sys.argv[1]))' \$(wc -l < '$dir/out')"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
