#!/usr/bin/env bash
# ktest-regs.sh: run build/ktest-regs.elf under -icount (see test_regs.c).
#
# The register test ticks at 100 kHz. In real time a loaded host cannot keep
# up with that (QEMU stops making progress), so this image runs on virtual
# time: with shift=0 one instruction is 1 ns, the tick comes every 10,000
# instructions whatever the host is doing, and every run is the same run.
root=$(cd "$(dirname "$0")/../.." && pwd)
QEMU_ICOUNT=${QEMU_ICOUNT:-shift=0,sleep=off} exec "$root/tools/qemu.sh" \
  "$root/${BUILD:-build}/ktest-regs.elf" "$@"
