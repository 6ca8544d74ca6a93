#!/usr/bin/env bash
# expect-stack.sh: a thread recursing past its 2 KiB stack is caught at its
# next switch: a panic (EXIT_PANIC, 101) naming it. See test_stack.c.
here=$(dirname "$0")
exec "$here/expect.sh" stack_overflow_panics "${BUILD:-build}/ktest-stack.elf" 101 \
  "^\*\*\* weft panic: stack overflow in thread [0-9]+ 'deeprec' \(2048-byte stack\)$"
