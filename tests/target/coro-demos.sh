#!/usr/bin/env bash
# coro-demos.sh: the coroutine demos on weft, run from the user shell
# through a pipe and judged by their output: `switchdemo` (stackful
# coroutines, the Thumb-2 switch in user mode), `switchdemo overflow` (the
# canary reported by name), `gen` (stackless generators, YieldLoop, send).
root=$(cd "$(dirname "$0")/../.." && pwd)
img=$root/${BUILD:-build}/weft.elf
set -o pipefail
out=$(printf 'run switchdemo\nrun switchdemo overflow\nrun gen\nhalt\n' |
      QEMU_TIMEOUT=30 "$root/tools/qemu.sh" "$img" 2>&1 | tr -d '\r')
rc=$?
pass=0 fail=0
check() {   # check NAME PATTERN: the output must match the extended regex (may span lines: -z)
  if grep -Ezq -- "$2" <<<"$out"; then echo "PASS $1"; pass=$((pass + 1))
  else echo "FAIL $1: nothing matches /$2/"; fail=$((fail + 1)); fi
}
check "switchdemo: 1, 3, 2, 4 by explicit switches" $'run switchdemo\n1\n3\n2\n4\n'
check "switchdemo: return value and dead state" "first: second returned 'second done' and is dead"
check "switchdemo: exits 0"               '\[[0-9]+ switchdemo\] exited 0'
check "switchdemo: overflow named"        "coro: stack overflow \(canary overwritten\) in coroutine 'too-big'"
check "switchdemo: overflow ends it"      '\[[0-9]+ switchdemo\] killed'
check "gen: arithmetic sequence"          $'arithmetic sequence \\(1, step 3, 5 terms\\): 1 4 7 10 13\n'
check "gen: StopIteration value"          'StopIteration: sum 35'
check "gen: YieldLoop round-robin"        $'YieldLoop round-robin: x1 y10 x2 y20 x3 y30 y40\n'
check "gen: YieldLoop resumes and sums"   'YieldLoop: 9 resumes, sums 6 and 100'
check "gen: producer-consumer with send"  $'producer: send 100\n  consumer: got item 100\n  producer: send 101\n  consumer: got item 101\n  producer: send 102\n  consumer: got item 102\n  consumer: closed after 3 items'
check "gen: exits 0"                      '\[[0-9]+ gen\] exited 0'
check "the kernel runs on"                'weft: halted'
[ $rc -eq 0 ] || { echo "FAIL exit status $rc"; fail=$((fail + 1)); }
echo "$out" > "${TMPDIR:-/tmp}/weft-coro-demos.log"
echo "coro-demos: $pass passed, $fail failed"
[ $fail -eq 0 ]
