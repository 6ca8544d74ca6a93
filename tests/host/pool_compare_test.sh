#!/usr/bin/env bash
# pool_compare_test.sh: weft-compare runs, prints its whole table, draws its chart.
#
# Course idea: the comparison tool is the course's experiment, so it must keep
# working. Timings depend on the machine, so this checks only what must hold
# everywhere: every row is present, serial is 1.00x, the SVG is well-formed
# XML with one bar per (workload, mode), and the shared counter loses nothing
# with a lock or an atomic add. The chart must say what was measured: a bar
# and a legend entry for each mode (coroutines included, with a footnote on
# how they ran), the unit on the axis, a label on the 1.0 line, the task
# counts and absolute times.
# Bad arguments must be refused before anything runs (exit 2, a message,
# no table). mk/pools.mk fills in the tool's path.
set -u
compare=@WEFT_COMPARE@
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
pass=0; fail=0
check() { if eval "$2"; then pass=$((pass + 1)); echo "ok   $1"; else fail=$((fail + 1)); echo "FAIL $1"; fi; }

"$compare" -s 0.1 -o "$dir/chart.svg" > "$dir/table" 2> "$dir/err"; rc=$?
cat "$dir/table" "$dir/err"
check "weft-compare exits 0" "[ $rc -eq 0 ]"
check "ten rows: 2 workloads x 5 modes" \
  "[ \$(grep -cE '^  (IO|CPU)-bound ' '$dir/table') -eq 10 ]"
check "serial is the 1.00x baseline" "[ \$(grep -c ' serial .* 1.00x' '$dir/table') -eq 2 ]"
check "the chart is well-formed XML" \
  "/usr/bin/python3 -c 'import sys, xml.dom.minidom as m; m.parse(sys.argv[1])' '$dir/chart.svg'"
svg=$dir/chart.svg
check "the chart has a bar per row (10), coroutines included" \
  "[ \$(grep -c '<rect class=\"bar\"' '$svg') -eq 10 ]"
check "the legend names the 5 modes" \
  "[ \$(grep -c '<rect class=\"legend\"' '$svg') -eq 5 ] && [ \$(grep -c '>coroutines<' '$svg') -eq 1 ]"
check "the chart says how the coroutines ran" "grep -q 'coroutines: one thread' '$svg'"
# Each IO-bound task waits ten times 1 ms one after the other, so no way of
# running them can finish in under 10 ms: a coroutine column that did not
# really wait (or did not run the tasks) shows up here.
check "the coroutine rows are measured, and the IO-bound one really waited" \
  "awk '\$2 == \"coroutines\" && \$3 !~ /^[0-9]+[.][0-9]+\$/ { bad = 1 }
        \$1 == \"IO-bound\" && \$2 == \"coroutines\" { io = \$3 + 0 }
        \$1 == \"CPU-bound\" && \$2 == \"coroutines\" { cpu = \$3 + 0 }
        END { exit !(!bad && io >= 0.010 && cpu > 0) }' '$dir/table'"
check "the legend is one row above the plot (no empty column beside it)" \
  "[ \$(grep -o '<rect class=\"legend\" x=\"[0-9.]*\" y=\"[0-9.]*\"' '$svg' | sed 's/.*y=//' | sort -u | wc -l) -eq 1 ]"
check "the axis has its unit and the 1.0 line its label" \
  "grep -q '(x)</text>' '$svg' && grep -q '>1.0x = serial<' '$svg'"
check "task counts and absolute times are under the plot" \
  "grep -Eq '>IO-bound, 10 tasks: serial [0-9.]+ s, threads [0-9.]+ s' '$svg' && grep -Eq '>CPU-bound, 4 tasks: serial [0-9.]+ s' '$svg'"

# Arguments: all checked first; --help documents each option.
"$compare" --help > "$dir/help" 2>&1; rc=$?
check "--help exits 0 and documents every option" \
  "[ $rc -eq 0 ] && for o in -s --scale -t --threads -p --processes -o --output -h --help counter; do grep -q -- \"\$o\" '$dir/help' || exit 1; done"
check "-h is --help" "\"$compare\" -h | cmp -s - '$dir/help'"
for bad in "-p -1" "-p 0" "-t 0" "-t 5000" "-p 2x" "-s 0.01" "-s 0" "-s -1" "-s abc" "-s 1e9" \
           "stray" "-s 1 stray" "counter extra" "counter -s 1" "--bogus"; do
  start=$(date +%s%N)
  "$compare" $bad -o "$dir/bad.svg" > "$dir/out" 2> "$dir/err"; rc=$?
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  check "bad usage '$bad': exit 2, a message, nothing measured (${ms} ms)" \
    "[ $rc -eq 2 ] && [ -s '$dir/err' ] && ! [ -s '$dir/out' ] && [ $ms -lt 1000 ]"
done
"$compare" -s 0.1 -o /nonexistent/dir/chart.svg > "$dir/out" 2> "$dir/err"; rc=$?
check "an unwritable -o fails before measuring" \
  "[ $rc -eq 2 ] && grep -q 'cannot write the chart to /nonexistent/dir/chart.svg' '$dir/err' && ! [ -s '$dir/out' ]"

"$compare" -s 0.1 -o "$dir" > "$dir/out" 2> "$dir/err"; rc=$?
check "-o naming a directory fails before measuring" "[ $rc -eq 2 ] && grep -q 'Is a directory' '$dir/err' && ! [ -s '$dir/out' ]"
mkdir "$dir/keep" && echo "old chart" > "$dir/keep/c.svg"
timeout -s INT 0.5 "$compare" -s 1 -o "$dir/keep/c.svg" > /dev/null 2>&1
check "Ctrl-C in the middle keeps the old chart and leaves no half-made file" \
  "[ \"\$(cat '$dir/keep/c.svg')\" = 'old chart' ] && [ \$(ls '$dir/keep' | wc -l) -eq 1 ]"

"$compare" counter -p 2 > "$dir/counter"; rc=$?
cat "$dir/counter"
check "counter exits 0" "[ $rc -eq 0 ]"
check "the lock loses nothing" "grep -Eq '^  process-shared lock +([0-9]+) +\1 +0 ' '$dir/counter'"
check "the atomic add loses nothing" "grep -Eq '^  atomic add +([0-9]+) +\1 +0 ' '$dir/counter'"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
