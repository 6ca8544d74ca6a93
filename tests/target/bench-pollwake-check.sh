#!/usr/bin/env bash
# bench-pollwake-check.sh: the poll_wakeup bench image (tests/target/
# bench_pollwake.c) measures something, and the same thing every time: it
# runs to a clean exit twice, every sample of a run is the same (the image
# refuses otherwise), and both runs print the same positive figure.
root=$(cd "$(dirname "$0")/../.." && pwd)
img=$root/${BUILD:-build}/bench-pollwake.elf
once() {
  { sleep 1; for i in 1 2 3 4 5 6 7 8; do printf x; sleep 0.2; done; } |
    QEMU_ICOUNT=shift=10,sleep=off QEMU_TIMEOUT=60 "$root/tools/qemu.sh" "$img" 2>&1 | tr -d '\r'
}
a=$(once); rc_a=${PIPESTATUS[0]}
b=$(once)
figure() { awk '$1 == "bench:" && $2 == "poll_wakeup" { print $3 }' <<<"$1"; }
fa=$(figure "$a"); fb=$(figure "$b")
grep -E '^bench' <<<"$a$b"
pass=0 fail=0
check() { if eval "$2"; then echo "PASS $1"; pass=$((pass + 1)); else echo "FAIL $1"; fail=$((fail + 1)); fi; }
check "poll_wakeup_runs"          '[ -n "$fa" ] && [ -n "$fb" ]'
check "poll_wakeup_positive"      'awk -v a="$fa" "BEGIN { exit !(a > 0) }"'
check "poll_wakeup_same_twice"    '[ "$fa" = "$fb" ]'
[ -n "$fa" ] || echo "$a"
echo "bench-pollwake-check: $pass passed, $fail failed"
[ $fail -eq 0 ]
