#!/usr/bin/env bash
# testsuite.sh: run every test suite, count cases, end with one summary line.
#
# Usage: tools/testsuite.sh LOGDIR SUITE...
# A SUITE is an executable (a cmocka binary, a script) or a weft image
# (*.elf), which is booted in QEMU under `timeout`. Each suite's output goes
# to LOGDIR/NAME.log. Cases are counted from the suite's own summary:
#   cmocka:  "[  PASSED  ] N test(s)."  and  "[  FAILED  ] N test(s)"
#   weft:    a line ending in "N passed, N failed" (the last one counts)
# A suite with no summary counts as one case judged by its exit status. A
# suite that exits non-zero (a crash, a timeout, a QEMU lock-up) counts as a
# failure even if every case it printed had passed.
set -u
logdir=$1; shift
mkdir -p "$logdir"
here=$(cd "$(dirname "$0")" && pwd)
total_pass=0; total_fail=0
declare -A seen
for suite in "$@"; do
  name=$(basename "$suite"); name=${name%.elf}
  # The same test built twice (build/host/X under ASan, build/tsan/X under
  # TSan) keeps two logs: the second is named after its folder too.
  [ -n "${seen[$name]:-}" ] && name="$(basename "$(dirname "$suite")")-$name"
  seen[$name]=1
  log="$logdir/$name.log"
  start=$(date +%s%N)
  if [[ $suite == *.elf ]]; then
    # A test image runs on instruction time (-icount), like a board at
    # about 31 MHz (one instruction = 32 ns): its timeouts and "at once"
    # checks count ticks, and on real time a busy host can let a tick land
    # where the guest could not (usertests' "refused at once" and "timeout
    # is exact" each failed once that way). The same image gives the same
    # log every run. The demos run by the scripts keep real time.
    QEMU_ICOUNT=${QEMU_ICOUNT-shift=5,sleep=off} "$here/qemu.sh" "$suite" < /dev/null > "$log" 2>&1; rc=$?
  else
    timeout "${SUITE_TIMEOUT:-300}" "$suite" < /dev/null > "$log" 2>&1; rc=$?
  fi
  ms=$(( ($(date +%s%N) - start) / 1000000 )); secs=$((ms / 1000)).$(( (ms % 1000) / 100 ))
  read -r p f < <(awk '
    /^\[  PASSED  \] [0-9]+ test/ { cp += $4; seen = 1 }
    /^\[  FAILED  \] [0-9]+ test/ { cf += $4; seen = 1 }
    /[0-9]+ passed, [0-9]+ failed/ {
      match($0, /[0-9]+ passed, [0-9]+ failed/)
      split(substr($0, RSTART, RLENGTH), w, /[ ,]+/); wp = w[1]; wf = w[3]; wseen = 1
    }
    END { if (seen) print cp + 0, cf + 0; else if (wseen) print wp, wf; else print -1, -1 }' "$log")
  if [ "$p" -lt 0 ]; then
    if [ $rc -eq 0 ]; then p=1; f=0; else p=0; f=1; fi
  elif [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then
    f=1
  fi
  total_pass=$((total_pass + p)); total_fail=$((total_fail + f))
  if [ "$f" -eq 0 ]; then
    printf '  ok    %-28s %4d passed  %6ss\n' "$name" "$p" "$secs"
  else
    printf '  FAIL  %-28s %4d passed %3d failed (exit %d)  %6ss  log: %s\n' "$name" "$p" "$f" "$rc" "$secs" "$log"
    grep -E 'FAIL|FAILED|panic|ERROR|error' "$log" | head -8 | sed 's/^/          | /'
  fi
done
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
