#!/usr/bin/env bash
# pool_compare_test.sh: weft-compare runs, prints its whole table, draws its chart.
#
# Course idea: the comparison tool is the course's experiment, so it must keep
# working. Timings depend on the machine, so this checks only what must hold
# everywhere: every row is present, serial is 1.00x, the SVG is well-formed
# XML with one bar per (workload, mode), and the shared counter loses nothing
# with a lock or an atomic add. mk/pools.mk fills in the tool's path.
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
check "the chart has a bar per row, plus the legend" \
  "[ \$(grep -c '<rect x=' '$dir/chart.svg') -eq 15 ]"

"$compare" counter -p 2 > "$dir/counter"; rc=$?
cat "$dir/counter"
check "counter exits 0" "[ $rc -eq 0 ]"
check "the lock loses nothing" "grep -Eq '^  process-shared lock +([0-9]+) +\1 +0 ' '$dir/counter'"
check "the atomic add loses nothing" "grep -Eq '^  atomic add +([0-9]+) +\1 +0 ' '$dir/counter'"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
