#!/usr/bin/env bash
# expect-fault.sh: a kernel-mode read of unmapped 0x30000000 gives a crash
# report with the decoded CFSR bits and EXIT_FAULT (102). See test_fault.c.
here=$(dirname "$0")
exec "$here/expect.sh" kernel_fault_reported "${BUILD:-build}/ktest-fault.elf" 102 \
  "^\*\*\* weft kernel fault: BusFault PRECISERR at 0x30000000$" \
  "^\*\*\* CFSR 00008200 " \
  "^\*\*\* PC [0-9a-f]{8} LR [0-9a-f]{8} xPSR [0-9a-f]{8} in Thread mode$" \
  "^\*\*\* thread [0-9]+ 'faulter'$"
