#!/usr/bin/env bash
# shell-pipe.sh: drive the kernel shell (build/weft-kshell.elf) through a pipe.
#
# Types "ps", "demo states", "sched mlfq", "halt" into the console and
# checks the ps table, the walker's trip through all five states, the
# policy table (mlfq now in force), and exit status 0.
# Two cases, which differ only in when the bytes arrive:
#   shell_pipe_typed_after_prompt  the input is written once "weft> " shows
#   shell_pipe_queued_before_boot  the input is all there before the board
#                                  starts (printf ... | tools/qemu.sh), as a
#                                  script or CI would do it
# Ends with "N passed, N failed" (counted by tools/testsuite.sh).
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
img=$root/${BUILD:-build}/weft-kshell.elf
input='ps\ndemo states\nsched mlfq\nhalt\n'
log=$(mktemp); trap 'rm -f "$log"' EXIT
passed=0; failed=0

patterns=(
  '^ +ID NAME +STATE +PRI +TICKS SWITCHES +WAKEUPS$'
  '^ +[0-9]+ idle +READY +0 +[0-9]+ +[0-9]+ +[0-9]+$'
  '^ +[0-9]+ shell +RUNNING +4 +[0-9]+ +[0-9]+ +[0-9]+$'
  '^policy rr, tick [0-9]+$'
  '^walker \(id [0-9]+\) exited with 42; its life, from the trace:$'
  ' NEW +-> READY +start$'
  ' READY +-> RUNNING +dispatch$'
  ' RUNNING +-> BLOCKED +sleep$'
  ' BLOCKED +-> READY +timeout$'
  ' RUNNING +-> TERMINATED exit$'
  '^  coop +cooperative'
  '^\* mlfq +multilevel feedback'
  '^weft: halted$'
)

judge() {   # judge NAME RC: check the exit status and every pattern in $log
  local name=$1 rc=$2 why=
  tr -d '\r' < "$log" > "$log.txt" && mv "$log.txt" "$log"
  echo "---- $name: exit status $rc"; cat "$log"
  [ "$rc" -eq 0 ] || why="exit status $rc, expected 0"
  for re in "${patterns[@]}"; do
    [ -n "$why" ] && break
    grep -Eq -- "$re" "$log" || why="no line matches /$re/"
  done
  if [ -z "$why" ]; then echo "PASS $name"; passed=$((passed + 1))
  else echo "FAIL $name: $why"; failed=$((failed + 1)); fi
}

# Typed after the prompt: wait (up to 10 s) for "weft> " in the output.
: > "$log"
{ for _ in $(seq 200); do grep -q 'weft> ' "$log" && break; sleep 0.05; done
  printf "$input"; } | QEMU_TIMEOUT=20 "$root/tools/qemu.sh" "$img" > "$log" 2>&1
judge shell_pipe_typed_after_prompt $?

# Queued before boot. The whole exchange takes well under a second; a run
# that times out (status 124) has lost its input.
printf "$input" | QEMU_TIMEOUT=8 "$root/tools/qemu.sh" "$img" > "$log" 2>&1
judge shell_pipe_queued_before_boot $?

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
