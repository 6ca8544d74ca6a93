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
#   console_ps_daemon             ps shows a process whose main thread has
#                                 ended, its daemon thread flagged D
#   console_trace_run             `trace run PROG` shows PROG's transitions
#                                 only; trace -t / -p filter, with names
#   console_ctrl_c_hog            Ctrl-C ends a foreground `hog`; the shell
#                                 says "interrupted" and answers after it
#   console_ctrl_c_hog_coop       the same under the cooperative policy,
#                                 where nothing else would ever run
#   console_ctrl_c_reader         the same for a program blocked reading
#   console_ctrl_c_job            a fg program's child reads the console,
#                                 and Ctrl-C ends the whole job
#   console_ctrl_c_prompt         at the prompt Ctrl-C drops the line only
#   console_bg_reader             a background reader takes none of the
#                                 shell's input; `fg` gives it the console
#   console_kill_shell            `kill 2` (the shell): init starts another
#   console_wait_nonchild         wait/kill on pids that are not children
#                                 answer at once, with named errors
#   console_line_editing          Ctrl-U, Ctrl-W, Up (history), Tab, arrows
#                                 that insert nothing, an over-long line
#                                 refused whole (its '&' is not lost)
#   console_shell_words           named errors, usage, trace bounds, halt in
#                                 a nested shell, exit N, a background job
#                                 reported, a zombie in ps until waited;
#                                 ls/help run: what each program says it
#                                 does (its PROG_ABOUT)
#   console_every_program_says_what_it_does  no program is listed by ls as "(says nothing)"
#   console_bare_names            a program's name runs it, as `run` does
#                                 (with & and Tab); an unknown word is named
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

# chat NAME TIMEOUT STEP...: drive the shell like a typist. A STEP "?RE"
# waits (up to 10 s) until the output has a line matching RE; "~S" sleeps
# S seconds (a typist's pause: the shell gives a new program the console
# just after spawning it, docs/console.md); any other STEP is typed (printf
# escapes: '\003' is Ctrl-C). Then the input ends.
chat() {
  local name=$1 t=$2; shift 2
  local out=$tmp/$name.out start=$(date +%s%N)
  : > "$out"
  for step; do
    case $step in
      \?*) for _ in $(seq 200); do
              tr -d '\r' < "$out" | grep -Eq -- "${step#?}" && break; sleep 0.05
            done ;;
      \~*) sleep "${step#?}" ;;
      *) printf "$step" ;;
    esac
  done | QEMU_TIMEOUT=$t "$root/tools/qemu.sh" "$img" > "$out" 2>&1
  rc=$?
  secs=$(( ($(date +%s%N) - start) / 1000000 ))
  tr -d '\r' < "$out" > "$out.t" && mv "$out.t" "$out"
  echo "---- $name: exit status $rc after $secs ms"; cat "$out"
}

# expect NAME RE...: judge the last chat: status 0 and every RE matches.
expect() {
  local name=$1 why=; shift
  [ "$rc" -eq 0 ] || why="exit status $rc, expected 0"
  for re; do
    [ -n "$why" ] && break
    grep -Eq -- "$re" "$tmp/$name.out" || why="no line matches /$re/"
  done
  verdict "console_$name" "$why"
}

chat ctrl_c_hog 20 '?weft\$' 'run hog\n' '?run hog' '~0.2' '\003' '?interrupted' 'echo after\n' '?^after'
expect ctrl_c_hog '^\[3 hog\] interrupted$' '^after$' '^init: sh exited 0'

chat ctrl_c_hog_coop 20 '?weft\$' 'sched coop\n' '?^\* coop' 'run hog\n' '?run hog' '~0.2' '\003' \
  '?interrupted' 'echo after\n' '?^after'
expect ctrl_c_hog_coop '^\[3 hog\] interrupted$' '^after$'

chat ctrl_c_reader 20 '?weft\$' 'run sleeper read\n' '?run sleeper read' '~0.2' '\003' \
  '?interrupted' 'echo after\n' '?^after'
expect ctrl_c_reader '^\[3 sleeper\] interrupted$' '^after$'

# A job of two: the foreground program's child reads the console (it is in
# the foreground job), and Ctrl-C ends both.
chat ctrl_c_job 20 '?weft\$' 'run sleeper spawn read\n' '?run sleeper spawn' '~0.2' 'abc\n\003' \
  '?interrupted' 'ps\n' '?^ TID'
expect ctrl_c_job '^\[3 sleeper\] interrupted$'
grep -q 'no such command' "$tmp/ctrl_c_job.out" &&
  verdict console_ctrl_c_flushes_typeahead "input typed before Ctrl-C reached the shell"
grep -Eq '^ +4 .*sleeper$' "$tmp/ctrl_c_job.out" && verdict console_ctrl_c_job_child_ends "the child lived on"

chat ctrl_c_prompt 20 '?weft\$' 'echo lost\003' '?\^C' 'echo kept\n' '?^kept'
expect ctrl_c_prompt '^kept$' '^weft\$ echo lost\^C$'
grep -qx 'lost' "$tmp/ctrl_c_prompt.out" && verdict console_ctrl_c_prompt_drops_line "the dropped line ran"

chat bg_reader 20 '?weft\$' 'run sleeper read &\n' '?started' 'echo one\n' '?^one' \
  'echo two\n' '?^two' 'fg 3\n' '?fg 3' '~0.2' 'abc\n' '\003' '?interrupted' 'echo three\n' '?^three'
expect bg_reader '^one$' '^two$' '^\[3 sleeper\] interrupted$' '^three$'

chat kill_shell 20 '?weft\$' 'kill 2\n' '?starting a new one' '?weft\$' 'echo alive\n' '?^alive'
expect kill_shell '^init: sh killed; starting a new one$' '^alive$' '^init: sh exited 0; halting with 0$'

chat wait_nonchild 10 '?weft\$' 'wait 1\n' 'wait 2\n' 'wait 0\n' 'wait\n' 'kill 1\n' '?ECHILD'
expect wait_nonchild '^wait: 1: not a child of this shell \(ECHILD\)$' \
  '^wait: 0: no such process \(ESRCH\)$' '^usage: wait PID' '^kill: 1: not permitted \(EPERM\)$'

# Line editing. \025 Ctrl-U, \027 Ctrl-W, \033[A Up, \033[D Left, \t Tab.
long=$(printf 'x%.0s' $(seq 120))
chat line_editing 20 '?weft\$' 'echo bad\025echo good\n' '?^good' \
  'echo one two\027three\n' '?^one three' 'echo hist\n' '?^hist' '\033[A\033[D\n' '?weft\$ echo hist$' \
  'run procd\t\n' '?procdemo\] exited' 'ec\t'"$long"' &\n' '?too long' 'tr\t5\n' '?^  t='
expect line_editing '^good$' '^one three$' '^weft\$ echo hist$' '^\[[0-9]+ procdemo\] exited 0$' \
  '^sh: line too long \(at most 95 characters\); nothing run$' '^  t='
grep -Eq '^bad$|\[A|\[D' "$tmp/line_editing.out" && verdict console_line_editing_no_junk "a killed line ran or an arrow key was inserted"
[ "$(grep -cx 'hist' "$tmp/line_editing.out")" -eq 2 ] || verdict console_line_history "Up did not recall 'echo hist'"

# Errors in words, usage, trace bounds, nested shells, background jobs.
chat shell_words 20 '?weft\$' 'run nosuch\n' 'kill\n' 'trace 0\n' 'trace -3\n' 'trace 100000\n' \
  'halt x\n' 'run sh\n' '?pid 3' 'halt\n' '?nested' 'exit 5\n' '?exited 5' \
  'ls\n' 'help run\n' 'run sleeper 1 &\n' '?started' 'ps\n' '?ZOMBIE' 'wait 4\n' '?\[4 sleeper\] exited 0' 'ps -t\n' '?init'
expect shell_words '^run: cannot start nosuch: no such program \(ENOENT\)$' '^usage: kill PID' \
  '^trace: N must be a number from 1 to 32$' '^trace: showing the last 32' \
  '^usage: halt' '^halt: only the first shell' '^\[3 sh\] exited 5$' '^done \[4 sleeper\] exited 0$' \
  '^ +4 +2 ZOMBIE exited 0 ' '^\[4 sleeper\] exited 0$' '^ +2 +1 ALIVE .*   sh$' \
  '^sleeper +\[sleep\|read\|sem\|N\|spawn HOW\] +blocks' '^hog +\[TICKS\] +spins' \
  '^run PROG \[ARGS\] \[&\]: start PROG'

mute=$(grep '(says nothing)' "$tmp/shell_words.out" | awk '{print $1}' | sort -u | tr '\n' ' ')
verdict console_every_program_says_what_it_does "${mute:+ls says nothing for: $mute}"

# A program's name is a command (`sleeper 1` is `run sleeper 1`), with &
# and Tab; a word that is neither a command nor a program says so.
chat bare_names 20 '?weft\$' 'sleeper 1\n' '?\[3 sleeper\] exited' 'sleeper 1 &\n' '?started' \
  'wait 4\n' '?\[4 sleeper\] exited' 'switchd\t\n' '?\[5 switchdemo\] exited' 'nosuch x\n' '?no such'
expect bare_names '^\[3 sleeper\] exited 0$' '^\[4 started$|^\[4\] started$' '^\[4 sleeper\] exited 0$' \
  '^\[5 switchdemo\] exited 0$' \
  "^nosuch: no such command or program \(try 'help', or 'ls' for the programs\)$"

# ps while `daemons` runs: main has returned, the daemon thread has the D
# flag, the worker has not.
chat ps_daemon 20 '?weft\$' 'run daemons 300 &\n' '?main: returning' 'ps\n' '?^ TID'
expect ps_daemon '^ +3 +2 ALIVE +- +2 - ' '^ +[0-9]+ +3 +[A-Z]+ +3 D +[0-9]+ ' '^ +[0-9]+ +3 +[A-Z]+ +3 - +[0-9]+ '

# trace run: one command's own transitions, none of the shell's (tid 3).
chat trace_run 20 '?weft\$' 'trace run sleeper 30\n' '?trace of' 'trace -t 4 1\n' '?\(ended\)' \
  'trace -p 2 1\n' '?sh +[A-Z]'
expect trace_run '^trace of sleeper \(pid 3, threads 4 and up\), 7 transitions:$' \
  '^  t=[0-9]+ +tid 4 +sleeper +RUNNING +-> BLOCKED +sleep$' \
  '^  t=[0-9]+ +tid 4 +\(ended\) +RUNNING +-> TERMINATED exit$' '^  t=[0-9]+ +tid 3 +sh '
awk '/^trace of/ { on = 1; next } /^weft\$/ { on = 0 } on && /tid 3 / { bad = 1 } END { exit bad }' \
  "$tmp/trace_run.out" || verdict console_trace_run_only_its_threads "the shell's records are in it"

# ---- the kernel shell ends at end of input too ----
printf 'ps\n' > "$tmp/in"
img=$root/${BUILD:-build}/weft-kshell.elf run kshell_eof 20
why=
[ "$rc" -eq 0 ] || why="exit status $rc, expected 0"
[ -z "$why" ] && ! grep -q 'end of input; halted' "$tmp/kshell_eof.out" && why="no 'end of input' line"
verdict console_kshell_eof_ends_session "$why"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
