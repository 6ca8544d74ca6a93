#!/usr/bin/env bash
# coro_gdb_test.sh: a backtrace taken inside a coroutine makes sense in gdb:
# it walks from the coroutine's body through coro_start to coro_trampoline
# and stops there (the switch's CFI marks the outermost frame), instead of
# wandering into the stack's free space or reporting a corrupt stack.
# @CORO_TEST@ is build/host/coro_test (filled in by mk/coro.mk).
set -u
bin=@CORO_TEST@
out=$(timeout 60 gdb -nx -batch -ex 'break reads_the_mode' -ex run -ex bt \
      -ex 'break coro_yield_raw' -ex continue -ex bt "$bin" 2>&1)
# The frames of both backtraces, one "N function" per line, in one string.
frames=$(grep -E '^#[0-9]' <<<"$out" |
         sed -E 's/^#([0-9]+) +(0x[0-9a-f]+ in )?([A-Za-z_0-9]+).*/\1 \3/' | tr '\n' ',')
pass=0 fail=0
check() {
  if [[ $frames == *"$2"* ]]; then echo "PASS $1"; pass=$((pass + 1))
  else echo "FAIL $1: frames were $frames"; fail=$((fail + 1)); fi
}
check "bt in a coroutine body ends at coro_trampoline" \
  "0 reads_the_mode,1 coro_start,2 coro_trampoline,0 "
check "bt inside the switch ends at coro_trampoline" \
  "0 coro_yield_raw,1 coro_yield,2 reads_the_mode,3 coro_start,4 coro_trampoline,"
if grep -q 'Backtrace stopped\|corrupt stack' <<<"$out"; then
  echo "FAIL gdb complained:"; grep 'Backtrace stopped\|corrupt' <<<"$out"; fail=$((fail + 1)); fi
echo "coro-gdb: $pass passed, $fail failed"
[ $fail -eq 0 ]
