#!/usr/bin/env bash
# sched-user.sh: the user shell's `sched`, which knows no policy by name:
# it asks the kernel for each one (SYS_SCHEDINFO) and switches by index
# (SYS_SCHED). Judged by the table it prints after each command.
root=$(cd "$(dirname "$0")/../.." && pwd)
img=$root/${BUILD:-build}/weft.elf
set -o pipefail     # rc is QEMU's exit status, not tr's
out=$(printf 'sched\nsched mlfq\nsched nosuch\nsched coop\nsched rr\nhalt\n' |
      QEMU_TIMEOUT=30 "$root/tools/qemu.sh" "$img" 2>&1 | tr -d '\r')
rc=$?
pass=0 fail=0
check() {   # check NAME PCRE: the whole output (-z: one record, \n inside) must match
  if grep -Pzq -- "$2" <<<"$out"; then echo "PASS $1"; pass=$((pass + 1))
  else echo "FAIL $1: no match for /$2/"; fail=$((fail + 1)); fi
}
t='\n  coop  cooperative[^\n]*\n\* rr    preemptive[^\n]*\n  mlfq  multilevel[^\n]*\n'
check "sched lists every policy, rr in force"  "weft\\$ sched$t"
check "sched mlfq switches"     'weft\$ sched mlfq\n  coop [^\n]*\n  rr [^\n]*\n\* mlfq '
check "an unknown name changes nothing" \
      "weft\\$ sched nosuch\nsched: no policy 'nosuch'\n  coop [^\n]*\n  rr [^\n]*\n\\* mlfq "
check "sched coop switches"     'weft\$ sched coop\n\* coop '
check "sched rr switches back"  "weft\\$ sched rr$t"
[ $rc -eq 0 ] || { echo "FAIL exit status $rc"; echo "$out"; fail=$((fail + 1)); }
echo "sched-user: $pass passed, $fail failed"
[ $fail -eq 0 ]
