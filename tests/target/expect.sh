#!/usr/bin/env bash
# expect.sh: boot an image that is supposed to stop in a particular way, and
# judge it by its exit status and its output.
#
# Usage: tests/target/expect.sh NAME IMAGE STATUS REGEX... [< input]
# Boots IMAGE with tools/qemu.sh (stdin passes through, so a pipe can type
# into the console), echoes its output, then checks that QEMU exited with
# STATUS and that every extended REGEX matches some line of the output.
# Prints "PASS NAME" or "FAIL NAME: why", then "1 passed, 0 failed" or
# "0 passed, 1 failed" (the line tools/testsuite.sh counts), and exits 0
# only on a pass. Environment: QEMU_TIMEOUT (default 20 s here).
set -u
name=$1 img=$2 want=$3; shift 3
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mktemp); trap 'rm -f "$out"' EXIT

QEMU_TIMEOUT=${QEMU_TIMEOUT:-20} "$root/tools/qemu.sh" "$img" > "$out" 2>&1; rc=$?
tr -d '\r' < "$out" > "$out.txt" && mv "$out.txt" "$out"
cat "$out"
echo "---- $name: exit status $rc (expected $want)"

why=
[ "$rc" -eq "$want" ] || why="exit status $rc, expected $want"
for re in "$@"; do
  [ -n "$why" ] && break
  grep -Eq -- "$re" "$out" || why="no line matches /$re/"
done
if [ -z "$why" ]; then
  echo "PASS $name"; echo "1 passed, 0 failed"; exit 0
fi
echo "FAIL $name: $why"; echo "0 passed, 1 failed"; exit 1
