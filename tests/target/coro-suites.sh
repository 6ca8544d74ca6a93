#!/usr/bin/env bash
# coro-suites.sh: lib/coro's host suites, run on weft from the same source
# (tests/host/{coro,gen,yieldloop,async}_test.c against weft's cmocka,
# tests/target/cmocka/), each as a program through the user shell. Every
# case the suite lists must report OK or SKIPPED (with its reason: what the
# board lacks), every suite must print its summary with 0 failed and exit
# 0; the total of the four summaries is this script's own last line.
. "$(dirname "$0")/session.sh"
suites="coro_test gen_test yieldloop_test async_test"
QEMU_TIMEOUT=60 session "$(for s in $suites; do printf 'run %s\\n' "$s"; done)halt\\n"
total_pass=0 total_fail=0 total_skip=0
for s in $suites; do
  line=$(grep -E "^$s: [0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$" <<<"$out" | tail -1)
  p=$(awk '{ print $2 }' <<<"$line"); f=$(awk '{ print $4 }' <<<"$line"); k=$(awk '{ print $6 }' <<<"$line")
  cases=$(awk -v s="$s" '$0 == "weft$ run " s { on = 1; next } on && index($0, s ": ") == 1 { on = 0 }
                        on && /^\[ RUN      \] / { n++ } END { print n + 0 }' <<<"$out")
  if [ -n "$line" ] && [ "$f" -eq 0 ] && [ $((p + k)) -eq "$cases" ] && grep -Eq "^\[[0-9]+ $s\] exited 0" <<<"$out"
  then echo "PASS $s on weft: $p cases passed, $k skipped"
  else echo "FAIL $s on weft: summary '${line:-none}', $cases cases started"; fail=$((fail + 1)); fi
  total_pass=$((total_pass + ${p:-0})); total_fail=$((total_fail + ${f:-1})); total_skip=$((total_skip + ${k:-0}))
done
grep -E '^\[  (FAILED|SKIPPED) \]|^tests/host/' <<<"$out"
[ "$rc" -eq 0 ] || { echo "FAIL exit status $rc"; total_fail=$((total_fail + 1)); }
echo "$out" > "${TMPDIR:-/tmp}/weft-coro-suites.log"
[ "$fail" -eq 0 ] || total_fail=$((total_fail > fail ? total_fail : fail))
echo "coro-suites: $total_pass passed, $total_fail failed ($total_skip skipped, each named above with its reason)"
[ "$total_fail" -eq 0 ]
