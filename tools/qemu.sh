#!/usr/bin/env bash
# qemu.sh: boot one weft image on the emulated mps2-an385 board, bounded.
#
# Usage: tools/qemu.sh IMAGE.elf [extra qemu args]
# Environment: QEMU_TIMEOUT (seconds, default 60), QEMU_ICOUNT (e.g.
# "shift=10,sleep=off" for instruction-exact benchmarks; unset = real time).
#
# The console UART is stdio, a plain (not multiplexed) stdio chardev: behind
# a mux, bytes piped in before the kernel enables its receiver are held back
# (../shared/PLATFORM.md). signal=off: in a terminal, Ctrl-C is a byte for
# the guest (it interrupts the foreground program, docs/console.md), not a
# signal that kills QEMU. Leave with the shell's `halt`, `exit` or Ctrl-D.
#
# End of input. QEMU does not pass end-of-file to the board, so when stdin
# is not a terminal a forwarder copies it and then sends one end-of-input
# byte (0x04, Ctrl-D, as a terminal would): the shell ends the session and
# a scripted run stops by itself. A terminal sends its own Ctrl-D.
#
# Semihosting is how the kernel leaves QEMU with an exit status: the status
# of this script is the kernel's, or 124 if the timeout killed a hung run.
set -u
img=$1; shift
icount=()
[ -n "${QEMU_ICOUNT:-}" ] && icount=(-icount "$QEMU_ICOUNT")
qemu=(timeout --foreground -k 5 "${QEMU_TIMEOUT:-60}"
  qemu-system-arm -M mps2-an385 -m 16M -display none -monitor none
  -chardev stdio,id=con,signal=off -serial chardev:con
  -semihosting-config enable=on,target=native
  "${icount[@]}" -kernel "$img" "$@")

[ -t 0 ] && exec "${qemu[@]}"

# A pipe, a file or /dev/null: forward it, then Ctrl-D. The forwarder ends
# with its input, or with SIGPIPE once QEMU has gone; we do not wait for it.
exec 3< <(cat; printf '\004')
forwarder=$!
"${qemu[@]}" <&3 3<&-
rc=$?
exec 3<&-
kill "$forwarder" 2>/dev/null
exit $rc
