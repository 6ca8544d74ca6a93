#!/usr/bin/env bash
# console.sh: the console and the user shell as a new user meets them,
# driven through a pipe (build/weft.elf, tools/qemu.sh).
#
#   console_pipe_10000_in_order   10,000 piped commands all run, in order,
#                                 none dropped (the RX ring is 256 bytes:
#                                 only back-pressure makes this pass)
#   console_eof_ends_session      end of piped input ends the run, status 0,
#                                 in seconds
#   console_kshell_eof_ends_session the same for the kernel shell
# Ends with "N passed, N failed" (counted by tools/testsuite.sh).
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
img=$root/${BUILD:-build}/weft.elf
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
passed=0; failed=0

verdict() {     # verdict NAME WHY (empty WHY: a pass)
  if [ -z "$2" ]; then echo "PASS $1"; passed=$((passed + 1))
  else echo "FAIL $1: $2"; failed=$((failed + 1)); fi
}

# run NAME TIMEOUT: boot with stdin from $tmp/in, output to $tmp/NAME.out;
# sets rc and secs.
run() {
  local start=$(date +%s%N)
  QEMU_TIMEOUT=$2 "$root/tools/qemu.sh" "$img" < "$tmp/in" 2>&1 | tr -d '\r' > "$tmp/$1.out"
  rc=${PIPESTATUS[0]}
  secs=$(( ($(date +%s%N) - start) / 1000000 ))
  echo "---- $1: exit status $rc after $secs ms"
}

# ---- 10,000 commands, every one run, in order ----
seq 1 10000 | sed 's/^/echo /' > "$tmp/in"; echo mem >> "$tmp/in"; echo halt >> "$tmp/in"
run pipe10k 40
grep -Ex '[0-9]+' "$tmp/pipe10k.out" > "$tmp/got"
seq 1 10000 > "$tmp/want"
why=
[ "$rc" -eq 0 ] || why="exit status $rc"
[ -z "$why" ] && ! cmp -s "$tmp/got" "$tmp/want" &&
  why="$(wc -l < "$tmp/got") numbers echoed, first difference: $(diff "$tmp/want" "$tmp/got" | sed -n 2p)"
[ -z "$why" ] && ! grep -Eq '^console +[0-9]+ bytes in, 0 dropped' "$tmp/pipe10k.out" &&
  why="mem does not show 0 dropped: $(grep '^console' "$tmp/pipe10k.out")"
grep -E '^console' "$tmp/pipe10k.out"
verdict console_pipe_10000_in_order "$why"

# ---- end of input ends the session ----
printf 'ls\n' > "$tmp/in"
run eof 20
why=
[ "$rc" -eq 0 ] || why="exit status $rc, expected 0"
[ -z "$why" ] && [ "$secs" -gt 5000 ] && why="took $secs ms"
[ -z "$why" ] && ! grep -q '^init' "$tmp/eof.out" && why="init did not say it halts"
tail -3 "$tmp/eof.out"
verdict console_eof_ends_session "$why"

# ---- the kernel shell ends at end of input too ----
printf 'ps\n' > "$tmp/in"
img=$root/${BUILD:-build}/weft-kshell.elf run kshell_eof 20
why=
[ "$rc" -eq 0 ] || why="exit status $rc, expected 0"
[ -z "$why" ] && ! grep -q 'end of input; halted' "$tmp/kshell_eof.out" && why="no 'end of input' line"
verdict console_kshell_eof_ends_session "$why"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
