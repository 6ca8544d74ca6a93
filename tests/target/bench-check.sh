#!/usr/bin/env bash
# bench-check.sh: the benchmark images still measure something, and measure
# it the same way twice. Not a timing test: no figure is compared with a
# limit. It checks what makes a figure worth printing.
#
#   bench_runs        each image exits 0 and prints every figure it names
#   bench_positive    every figure is > 0 (a scenario that did nothing, or a
#                     harness that subtracted too much, shows up as <= 0)
#   bench_ordered     the process figures are in the order their work nests:
#                     a system call < a switch between processes (a yield
#                     is a system call) < spawn + exit + wait
#   bench_sync_ordered  the same for the synchronisation figures: a
#                     lock+unlock (two calls) < a message cycle < a deadlock break
#   bench_repeatable  a second run of the same binary gives the same lines
#                     (QEMU -icount shift=10, sleep=off: virtual time only)
#   profile_total     the budget tool (tools/profile.py, `make profile`):
#                     for a yield, a system call and an interrupt wake-up,
#                     its per-function table adds up to the very figure the
#                     bench image prints (every instruction counted once)
#
# The images are built by `make test-build`; see tests/target/bench.c and
# bench_proc.c for what they measure. Ends with "N passed, N failed".
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-build}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
check() {   # check NAME CONDITION-STATUS WHY
  if [ "$2" -eq 0 ]; then echo "PASS $1"; pass=$((pass + 1))
  else echo "FAIL $1: $3"; fail=$((fail + 1)); fi
}
run() {     # run IMAGE OUT: the bench lines of one boot, or fail
  QEMU_ICOUNT=shift=10,sleep=off QEMU_TIMEOUT=${QEMU_TIMEOUT:-60} \
    "$root/tools/qemu.sh" "$build/$1.elf" < /dev/null > "$2.log" 2>&1
  local rc=$?
  tr -d '\r' < "$2.log" | grep '^bench: ' > "$2"
  return $rc
}
figure() { awk -v n="$2" '$2 == n { print $3 }' "$1"; }

ok=0 why=
for img in bench-kernel bench-proc; do
  run $img "$tmp/$img.1" || { ok=1; why="$img exited non-zero"; cat "$tmp/$img.1.log"; }
done
for name in yield_switch sem_pingpong irq_to_thread thread_create_exit_join; do
  [ -n "$(figure "$tmp/bench-kernel.1" $name)" ] || { ok=1; why="bench-kernel: no $name"; }
done
for name in syscall_roundtrip process_yield_switch thread_yield_switch_user spawn_exit_wait \
            mutex_uncontended msg_latency_cycle_threads msg_latency_cycle_procs deadlock_break; do
  [ -n "$(figure "$tmp/bench-proc.1" $name)" ] || { ok=1; why="bench-proc: no $name"; }
done
check bench_runs $ok "$why"
cat "$tmp/bench-kernel.1" "$tmp/bench-proc.1"

bad=$(cat "$tmp/bench-kernel.1" "$tmp/bench-proc.1" | awk '!($3 > 0) { print $2 }' | tr '\n' ' ')
check bench_positive "$([ -z "$bad" ] && [ $ok -eq 0 ]; echo $?)" "not positive: ${bad:-no figures}"

call=$(figure "$tmp/bench-proc.1" syscall_roundtrip)
sw=$(figure "$tmp/bench-proc.1" process_yield_switch)
sp=$(figure "$tmp/bench-proc.1" spawn_exit_wait)
awk -v a="${call:-0}" -v b="${sw:-0}" -v c="${sp:-0}" 'BEGIN { exit !(a > 0 && a < b && b < c) }'
check bench_ordered $? "syscall_roundtrip $call, process_yield_switch $sw, spawn_exit_wait $sp"
# A lock+unlock is two system calls; a message cycle is two calls and two
# switches; a deadlock break is five calls and four switches.
mx=$(figure "$tmp/bench-proc.1" mutex_uncontended)
msg=$(figure "$tmp/bench-proc.1" msg_latency_cycle_threads)
dl=$(figure "$tmp/bench-proc.1" deadlock_break)
awk -v a="${call:-0}" -v m="${mx:-0}" -v q="${msg:-0}" -v d="${dl:-0}" \
    'BEGIN { exit !(2 * a < m && m < q && q < d) }'
check bench_sync_ordered $? "syscall $call, mutex_uncontended $mx, msg cycle $msg, deadlock_break $dl"

same=0 why=
for img in bench-kernel bench-proc; do
  run $img "$tmp/$img.2" || same=1
  cmp -s "$tmp/$img.1" "$tmp/$img.2" || { same=1; why="$img differs:
$(diff "$tmp/$img.1" "$tmp/$img.2")"; }
done
check bench_repeatable $same "$why"

ok=0 why=
for pair in bench-kernel:yield_switch bench-proc:syscall_roundtrip bench-kernel:irq_to_thread; do
  img=${pair%%:*} name=${pair#*:} user=()
  [ $img = bench-proc ] && user=(--user "$build/user/ubench.elf")
  "$root/tools/profile.py" "$build/profile-$name.elf" "${user[@]}" > "$tmp/$name.prof" 2>&1 \
    || { ok=1; why="$why profile $name failed;"; cat "$tmp/$name.prof"; continue; }
  total=$(awk '$1 == "total" { print $2 }' "$tmp/$name.prof")
  want=$(figure "$tmp/$img.1" $name)
  [ -n "$total" ] && [ "$total" = "$want" ] || { ok=1; why="$why $name: table $total, bench $want;"; }
  cat "$tmp/$name.prof"
done
check profile_total $ok "$why"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
