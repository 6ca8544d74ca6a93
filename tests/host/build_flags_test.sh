#!/usr/bin/env bash
# build_flags_test.sh: an object is rebuilt when the file that holds its
# flags changes, not only when its source does. (Round 3 of issue 13 added
# -flto to the Makefile; a tree built before kept its old objects, linked
# them with new ones, and its benches printed figures of neither build.)
# make -W FILE pretends FILE has just changed, without touching it; -n
# only prints what would be done.
set -u
cd "$(dirname "$0")/../.."
build=${BUILD:-build}
pass=0; fail=0
check() {   # check OBJECT FLAGSFILE
  if [ ! -e "$1" ]; then echo "FAIL $1 (from $2): not built"; fail=$((fail + 1)); return; fi
  if make -s -n -W "$2" "$1" 2>/dev/null | grep -q 'gcc'; then
    echo "PASS $1 is rebuilt when $2 changes"; pass=$((pass + 1))
  else
    echo "FAIL $1 is not rebuilt when $2 changes"; fail=$((fail + 1))
  fi
}
check "$build/arm/kernel/sched.c.o" Makefile
check "$build/arm/arch/armv7m/switch.S.o" Makefile
check "$build/arm-bench/kernel/sched.c.o" Makefile
check "$build/arm-bench/kernel/sched.c.o" mk/target.mk
check "$build/user/lib/user/syscall.c.o" mk/apps.mk
check "$build/user/lib/coro/coro.c.o" mk/coro.mk
echo "build_flags_test: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
