#!/usr/bin/env bash
# demos.sh: the process demos, each run from the user shell through a pipe
# and judged by the lines a student is told to look for.
. "$(dirname "$0")/session.sh"
session 'run tickets 0\nrun prodcons 500\nrun lsfd 99\nrun iomodels sideways\nrun pooldemo 9\nrun asyncdemo many\nrun procdemo\nrun globals\nrun zombie\nrun crash kwrite\nrun tickets\nrun prodcons\nrun iomodels\nrun daemons\nrun pooldemo\nrun asyncdemo\nhello async\nrun asyncdemo\nhello cr\rrun prodcons &\nrun sleeper 5\nps -t\nmem\nhalt\n'
check "procdemo: join a child"          'child [0-9]+ exited 7'
check "procdemo: is-alive"              'still running'
check "procdemo: kill"                  'child [0-9]+ killed'
check "procdemo: rename"                "my name is 'renamed'"
check "procdemo: exits 0"               '\[[0-9]+ procdemo\] exited 0'
check "globals: parent's copy unchanged" "parent's counter is still 100"
check "globals: threads share memory"   'main thread sees mailbox = 2'
check "zombie: visible until reaped"    "state ZOMBIE"
check "zombie: reaped"                  'wait\(\) reaped it: exited 5'
check "zombie: orphan adopted by init"  "'orphan': state ALIVE, parent 1"
check "fault kills only the process"    '\[[0-9]+ crash\] segmentation fault: write of 0x20000010 \(not its memory\) \[MemManage DACCVIOL\]'
check "tickets: oversold without a lock" 'sold [0-9]+ of 500 tickets: WRONG'
check "tickets: right with a mutex"      'sold 500 of 500 tickets: right'
check "tickets: exits 0"                 '\[[0-9]+ tickets\] exited 0'
check "prodcons: through a pipe"         'consumed 200 of 200 records: none lost, none twice'
check "prodcons: through a queue"        'queue: consumed 200 of 200 items: none lost, none twice'
check "prodcons: JoinableQueue join"     'joinable: join\(\) returned 0 after [0-9]+ ticks with 0 items left'
check "prodcons: every item processed"   'joinable: 50 of 50 items processed$'
check "iomodels: blocking serves both"   '^blocking +640 bytes'
check "iomodels: nonblocking serves both" '^nonblocking +640 bytes'
check "iomodels: poll serves both"       '^poll +640 bytes'
check "iomodels: async coroutines serve both" '^async +640 bytes'
check "iomodels: every client done"      '\[[0-9]+ iomodels\] exited 0'
check "pooldemo: Linux's pool on weft"   '12 of 12 done callbacks ran; the same pool as on Linux'
check "pooldemo: right results"          'primes below 10000: 1229'
check "daemons: the daemon thread ran"  'daemon: tick 2'
check "daemons: a non-daemon thread keeps the process alive after main" 'worker: done after 30 ticks'
check "daemons: the process exits with main's status" '\[[0-9]+ daemons\] exited 0'
# Python's rule: the daemon ends with the last non-daemon thread, so no tick follows.
if awk '/^worker: done/ { w = 1 } w && /^daemon: tick/ { bad = 1 } END { exit !(w && !bad) }' <<<"$out"
then echo "PASS daemons: the daemon thread ends with the worker"; pass=$((pass + 1))
else echo "FAIL daemons: the daemon thread ends with the worker"; fail=$((fail + 1)); fi
check "ps -t: a four-level tree"        '^ +[0-9]+ +[0-9]+ (ALIVE|ZOMBIE) .* [0-9]+ {7}prodcons$'
if grep -q 'stack overflow; starting a new one' <<<"$out"
then echo "FAIL the shell survives ps -t"; fail=$((fail + 1))
else echo "PASS the shell survives ps -t"; pass=$((pass + 1)); fi
check "asyncdemo: the fast timer task"   '^fast: tick 4 at'
check "asyncdemo: the slow timer task"   '^slow: tick 2 at'
check "asyncdemo: the console task"      "^reader: got 'hello async'"
check "asyncdemo: Enter in a terminal (CR) ends the line" "^reader: got 'hello cr'$"
check "asyncdemo: one loop, all done"    'asyncdemo: [0-9]+ loop iterations, all tasks done'
check "tickets: wrong arguments"         'usage: tickets \[SELLERS 1-10'
check "prodcons: wrong arguments"        'usage: prodcons \[ITEMS 1-120\]'
check "lsfd: no such process"            'lsfd: no process 99'
check "iomodels: wrong arguments"        'usage: iomodels \[blocking\|nonblocking\|poll\|async\]'
check "pooldemo: wrong arguments"        'usage: pooldemo \[WORKERS 1-8\]'
check "asyncdemo: wrong arguments"       'usage: asyncdemo \[LINES 0-100000\]'
check "the kernel runs on"              'weft: halted'
finish demos
