#!/usr/bin/env bash
# usertests-shell.sh: `run usertests` from the shell of `make run`, as the
# README and the course map tell a student to. That image has no test
# seams (tests/target/init_usertests.c fills them only in usertests.elf),
# so the cases that need one must say so and be skipped, not hang until
# their timeout and fail (10 of them did).
. "$(dirname "$0")/session.sh"
QEMU_TIMEOUT=90 session 'run usertests\nhalt\n'
check "usertests from the shell: none failed"   '^usertests: [0-9]+ passed, 0 failed$'
check "usertests from the shell: seam cases skipped, and why" \
      '^SKIP kill in the return window: needs the test image'"'"'s seams'
check "usertests from the shell: it ended"      '^\[3 usertests\] exited 0$'
finish usertests-shell
