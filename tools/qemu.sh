#!/usr/bin/env bash
# qemu.sh: boot one weft image on the emulated mps2-an385 board, bounded.
#
# Usage: tools/qemu.sh IMAGE.elf [extra qemu args]
# Environment: QEMU_TIMEOUT (seconds, default 60), QEMU_ICOUNT (e.g.
# "shift=10,sleep=off" for instruction-exact benchmarks; unset = real time).
# The console UART is stdio, so a pipe works as input. It must be a plain
# `-serial stdio`: behind a mux chardev, bytes piped in before the kernel
# enables its receiver are held back (../shared/PLATFORM.md). Semihosting is
# how the kernel leaves QEMU with an exit status: the status of this script
# is the kernel's, or 124 if the timeout killed a hung run.
set -u
img=$1; shift
icount=()
[ -n "${QEMU_ICOUNT:-}" ] && icount=(-icount "$QEMU_ICOUNT")
exec timeout --foreground -k 5 "${QEMU_TIMEOUT:-60}" \
  qemu-system-arm -M mps2-an385 -m 16M -display none -monitor none \
  -serial stdio -semihosting-config enable=on,target=native \
  "${icount[@]}" -kernel "$img" "$@"
