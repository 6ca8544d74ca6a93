#!/usr/bin/env bash
# sync-demos.sh: the synchronisation demos (apps/deadlock.c, apps/events.c,
# apps/locks.c), run from the user shell through a pipe and judged by the
# lines a student is told to look for.
. "$(dirname "$0")/session.sh"
session 'run deadlock\nrun events\nrun locks\nhalt\n'
check "deadlock: AB-BA refused at once"    'T2 \(thread [0-9]+\) holds B, asks for A: -EDEADLK after [01] ticks'   # at once: a busy host may add the tick that falls between two readings
check "deadlock: the wait-for edge shown"  'locks: thread [0-9]+ waits for mutex [0-9]+, held by thread [0-9]+'
check "deadlock: the cycle printed"        'cycle: thread ([0-9]+) wants A, held by thread [0-9]+, which waits for B \(mutex [0-9]+\), held by thread \1'
check "deadlock: T1 goes on"               'T1 got B \(0\) once T2 backed off'
check "recursive: Lock refused"            'Lock taken again by its owner: -EDEADLK'
check "recursive: RLock fine"              'RLock taken 3 deep and released 3 times: ok'
check "inversion: timings printed"         'inheritance off: high \(5\) waited [0-9]+ ticks'
check "inversion: inheritance bounds it"   'inheritance bounded the wait'
check "deadlock: exits 0"                  '\[[0-9]+ deadlock\] exited 0'
check "event: many released by one set"    'one set\(\) released 5 waiters, 5 within a tick'
check "condition: bounded buffer right"    'condition: 80 items through 4 slots, sum right'
check "barrier: in step"                   'barrier: 4 workers x 3 phases, in step'
check "events: exits 0"                    '\[[0-9]+ events\] exited 0'
check "locks: an empty graph"              'locks: 0 threads blocked on a mutex'
finish sync-demos
