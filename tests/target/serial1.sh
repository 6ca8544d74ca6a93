#!/usr/bin/env bash
# serial1.sh: the second serial line (UART1) from outside, as `make run`
# wires it: a TCP port on 127.0.0.1. `run serialecho 2` in the shell; a
# client sends two lines over TCP and must get them back upper-cased, and
# the console must report both. Bounded: QEMU by tools/qemu.sh's timeout,
# the client by its socket timeout.
root=$(cd "$(dirname "$0")/../.." && pwd)
img=$root/${BUILD:-build}/weft.elf
port=$("$root/tools/serial1-port.sh")
log=${TMPDIR:-/tmp}/weft-serial1.$$.log
{ printf 'run serialecho 2\n'; sleep 4; } |
  QEMU_TIMEOUT=30 "$root/tools/qemu.sh" "$img" -serial tcp:127.0.0.1:$port,server=on,wait=off \
  > "$log" 2>&1 &
qemu=$!
got=$(python3 - "$port" <<'PY'
import socket, sys, time
end = time.time() + 10
while True:                      # QEMU listens once it has started
    try:
        s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
        break
    except OSError:
        if time.time() > end:
            print("no connection"); sys.exit(0)
        time.sleep(0.1)
time.sleep(0.5)                  # the shell starts serialecho
s.sendall(b"hello weft\r\nsecond line\n")
data = b""
while data.count(b"\n") < 2 and time.time() < end:
    try:
        chunk = s.recv(100)
    except socket.timeout:
        break
    if not chunk:
        break
    data += chunk
print(data.decode(errors="replace").replace("\n", "|"))
PY
)
wait $qemu; rc=$?
out=$(tr -d '\r' < "$log"); rm -f "$log"
pass=0 fail=0
check() {
  if grep -Eq -- "$2" <<<"$3"; then echo "PASS $1"; pass=$((pass + 1))
  else echo "FAIL $1: no match for /$2/ in: $3"; fail=$((fail + 1)); fi
}
check "serial1: echoed upper-cased over TCP" '^HELLO WEFT\|SECOND LINE\|$' "$got"
check "serial1: reported on the console"     'serialecho: line 2: SECOND LINE' "$out"
check "serial1: the program ends"            '\[[0-9]+ serialecho\] exited 0' "$out"
[ $rc -eq 0 ] || { echo "FAIL qemu exit status $rc"; fail=$((fail + 1)); }
echo "serial1: $pass passed, $fail failed"
[ $fail -eq 0 ]
