#!/usr/bin/env bash
# coro_gdb_test.sh: a backtrace taken inside a coroutine makes sense in gdb:
# it walks from the coroutine's body through coro_start to coro_trampoline
# and stops there (the switch's CFI marks the outermost frame), instead of
# wandering into the stack's free space or reporting a corrupt stack. It is
# taken three times: in the body, at the switch's entry, and in the middle
# of the switch with every register saved (where only the CFI of the saves
# can explain the frame).
#
# mk/coro.mk fills in, per architecture:
#   @CORO_TEST@  build/host/coro_test, or build/aarch64/coro_test.bin
#   @GDB@        gdb, or gdb-multiarch
#   @QEMU@       empty (run natively), or qemu-aarch64 (gdb attaches to its stub)
#   @SAVED@      bytes from coro_yield_raw's entry to just after its saves
set -u
bin=@CORO_TEST@ gdb=@GDB@ qemu=@QEMU@ saved=@SAVED@
cmds=(-ex 'break reads_the_mode' -ex continue -ex bt
      -ex 'break coro_yield_raw' -ex continue -ex bt
      -ex "break *(coro_yield_raw + $saved)" -ex continue -ex bt -ex kill)
if [ -n "$qemu" ]; then
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  timeout 60 "$qemu" -g "$port" "$bin" > /dev/null 2>&1 &
  qpid=$!
  trap 'kill $qpid 2>/dev/null' EXIT
  # Until the stub listens (not by connecting: the first connection is gdb's).
  hexport=$(printf ':%04X ' "$port")
  for _ in $(seq 50); do
    grep -q "$hexport" /proc/net/tcp && break
    sleep 0.1
  done
  out=$(timeout 60 "$gdb" -nx -batch -ex "target remote 127.0.0.1:$port" "${cmds[@]}" "$bin" 2>&1)
else
  cmds[3]=run  # the first `continue` starts the program natively
  out=$(timeout 60 "$gdb" -nx -batch "${cmds[@]}" "$bin" 2>&1)
fi
# The frames of the three backtraces, one "N function" per line, in one string.
frames=$(grep -E '^#[0-9]' <<<"$out" |
         sed -E 's/^#([0-9]+) +(0x[0-9a-f]+ in )?([A-Za-z_0-9]+).*/\1 \3/' | tr '\n' ',')
pass=0 fail=0
check() {
  if [[ $frames == *"$2"* ]]; then echo "PASS $1"; pass=$((pass + 1))
  else echo "FAIL $1: frames were $frames"; fail=$((fail + 1)); fi
}
in_switch="0 coro_yield_raw,1 coro_yield,2 reads_the_mode,3 coro_start,4 coro_trampoline,"
check "bt in a coroutine body ends at coro_trampoline" \
  "0 reads_the_mode,1 coro_start,2 coro_trampoline,0 "
check "bt inside the switch ends at coro_trampoline" "$in_switch"
check "bt with the registers saved ends at coro_trampoline" "$in_switch$in_switch"
if grep -q 'Backtrace stopped\|corrupt stack' <<<"$out"; then
  echo "FAIL gdb complained:"; grep 'Backtrace stopped\|corrupt' <<<"$out"; fail=$((fail + 1)); fi
echo "coro-gdb: $pass passed, $fail failed"
[ $fail -eq 0 ]
