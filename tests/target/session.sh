# session.sh: sourced by the scripts that drive the user shell through a
# pipe and judge what it prints (demos.sh, sync-demos.sh).
#
#   session 'run procdemo\nhalt\n'     boot build/weft.elf, feed the lines;
#                                      $out is what it printed, $rc QEMU's status
#   check NAME REGEX                   a line of $out must match (grep -E)
#   finish SUITE                       keep $out in $TMPDIR/weft-SUITE.log, print
#                                      "SUITE: N passed, N failed", set the status
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
img=$root/${BUILD:-build}/weft.elf
pass=0 fail=0

session() {
  set -o pipefail     # rc is QEMU's exit status, not tr's
  out=$(printf "$1" | QEMU_TIMEOUT=${QEMU_TIMEOUT:-30} "$root/tools/qemu.sh" "$img" 2>&1 | tr -d '\r')
  rc=$?
}

check() {
  if grep -Eq -- "$2" <<<"$out"; then echo "PASS $1"; pass=$((pass + 1))
  else echo "FAIL $1: no line matching /$2/"; fail=$((fail + 1)); fi
}

finish() {
  [ "$rc" -eq 0 ] || { echo "FAIL exit status $rc"; fail=$((fail + 1)); }
  echo "$out" > "${TMPDIR:-/tmp}/weft-$1.log"
  echo "$1: $pass passed, $fail failed"
  [ "$fail" -eq 0 ]
}
