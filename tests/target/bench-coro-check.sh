#!/usr/bin/env bash
# bench-coro-check.sh: the coroutine bench image still measures something:
# it runs to a clean exit, prints both figures, and they are positive. Under
# -icount the figures are instruction counts, the same on every run, so the
# issue's aim for a switch (at most 14 instructions, overflow check on) is
# checked too: a regression in switch_armv7m.S shows here.
root=$(cd "$(dirname "$0")/../.." && pwd)
img=$root/${BUILD:-build}/bench-coro.elf
out=$(QEMU_ICOUNT=shift=10,sleep=off QEMU_TIMEOUT=60 "$root/tools/qemu.sh" "$img" < /dev/null 2>&1 | tr -d '\r')
rc=$?
echo "$out" | grep '^bench'
figure() { awk -v n="$1" '$1 == "bench:" && $2 == n { print $3 }' <<<"$out"; }
pass=0 fail=0
check() { if eval "$2"; then echo "PASS $1"; pass=$((pass + 1)); else echo "FAIL $1"; fail=$((fail + 1)); fi; }
sw=$(figure coro_switch); gen=$(figure generator_resume); create=$(figure coro_create)
check "bench_coro_runs" '[ $rc -eq 0 ]'
check "bench_coro_figures_positive" 'awk -v a="$sw" -v b="$gen" -v c="$create" "BEGIN { exit !(a > 0 && b > 0 && c > 0) }"'
check "coro_switch_at_most_14_instructions" 'awk -v a="$sw" "BEGIN { exit !(a <= 14) }"'
echo "bench-coro-check: $pass passed, $fail failed"
[ $fail -eq 0 ]
