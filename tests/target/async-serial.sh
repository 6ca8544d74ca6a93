#!/usr/bin/env bash
# async-serial.sh: asyncdemo serving UART1 (a TCP port, as `make run` wires
# it) next to its timers and the console, in one thread, driven like a user
# would: a typist on the console and a peer on the socket.
#
#   async_serial_echo          two lines from the peer (CRLF and LF) come
#                              back upper-cased; the console line ends it
#   async_serial_one_thread    one thread (`trace run` shows no other, and
#                              asyncdemo counts its process's threads), which
#                              slept in polls made with every task waiting;
#                              that it sleeps nowhere else is what the
#                              stalled-peer case shows
#   async_serial_64k_slow_peer 64 KiB of CRLF lines pushed at once by a peer
#                              that reads nothing for a second: every line
#                              comes back, in order, none lost (UART1's
#                              receive back-pressure), and the timers ran
#   async_serial_ctrl_c        Ctrl-C while every task waits ends it; memory,
#                              threads, objects as before; UART1 still works
#   async_serial_stalled_peer  UART1 on a FIFO of 4 KiB that the peer leaves
#                              unread for 2 s (loopback TCP absorbs megabytes,
#                              so it cannot stall): the echo must wait for
#                              room (O_NONBLOCK: -EAGAIN, then POLLOUT) while
#                              the console task goes on; nothing is lost
# Ends with "N passed, N failed". Bounded: QEMU by tools/qemu.sh's timeout,
# every wait here by its own deadline.
root=$(cd "$(dirname "$0")/../.." && pwd)
img=$root/${BUILD:-build}/weft.elf
port=$("$root/tools/serial1-port.sh")
exec python3 - "$root/tools/qemu.sh" "$img" "$port" <<'PY'
import fcntl, os, re, shutil, socket, subprocess, sys, tempfile, threading, time

qemu_sh, img, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
q = subprocess.Popen([qemu_sh, img, "-serial", f"tcp:127.0.0.1:{port},server=on,wait=off"],
                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                     env={"QEMU_TIMEOUT": "90", "PATH": "/usr/bin:/bin"})
out = bytearray()
def pump():
    while True:
        b = q.stdout.read1(4096)
        if not b:
            return
        out.extend(b)
threading.Thread(target=pump, daemon=True).start()
passed = failed = 0

def text():
    return out.decode(errors="replace").replace("\r", "")

T0 = time.time()
def verdict(name, why):
    print(f"[{time.time() - T0:.1f} s]", end=" ")
    global passed, failed
    if why:
        print(f"FAIL {name}: {why}"); failed += 1
    else:
        print(f"PASS {name}"); passed += 1

def wait_for(regex, start, secs=15):
    end = time.time() + secs
    while time.time() < end:
        m = re.search(regex, text()[start:], re.M)
        if m:
            return m
        time.sleep(0.05)
    return None

def type_(s):
    q.stdin.write(s.encode()); q.stdin.flush()

def connect():
    end = time.time() + 10
    while True:
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # a slow peer's small window
        try:
            s.connect(("127.0.0.1", port)); s.settimeout(20); return s
        except OSError:
            s.close()
            if time.time() > end:
                raise
            time.sleep(0.1)

def recv_exactly(s, n, secs):
    data, end = b"", time.time() + secs
    while len(data) < n and time.time() < end:
        try:
            chunk = s.recv(65536)
        except socket.timeout:
            break
        if not chunk:
            break
        data += chunk
    return data

def one_thread(start):
    """None if asyncdemo said: 1 thread, which slept in polls with every task waiting."""
    m = wait_for(r"^asyncdemo: (\d+) thread; (\d+) polls made with every task waiting, woken (\d+)", start, 5)
    if not m:
        return "asyncdemo did not count its polls"
    t, p, w = map(int, m.groups())
    return None if t == 1 and p > 0 and w > 0 else f"{t} threads, {p} idle polls, woken {w} times"

def mem_at(start):
    m = wait_for(r"^memory +(\d+).*\n^procs +(\d+).*\n^threads +(\d+).*\n^objects +(\d+).*\n^pipes +(\d+)", start)
    return m.groups() if m else None

if not wait_for(r"weft\$", 0):
    print("FAIL boot: no prompt"); sys.exit(1)
peer = connect()

# ---- two lines, CRLF and LF, and the console, in one thread ----
mark = len(text())
type_("trace run asyncdemo 2\n")
ok = wait_for(r"^reader: waiting", mark) and wait_for(r"^serial: UART1 is descriptor", mark)
peer.sendall(b"hello weft\r\nsecond line\n")
got = recv_exactly(peer, 23, 10)
wait_for(r"^serial: line 2: SECOND LINE", mark)
type_("hello async\n")
done = wait_for(r"^\[\d+ asyncdemo\] exited (\d+)", mark)
verdict("async_serial_echo",
        None if ok and got == b"HELLO WEFT\nSECOND LINE\n" and done and done.group(1) == "0"
        and wait_for(r"^serial: line 1: HELLO WEFT$", mark, 1) and wait_for(r"^reader: got 'hello async'", mark, 1)
        and wait_for(r"^fast: tick 4 at", mark, 1)
        else f"peer got {got!r}, exit {done.group(1) if done else None}")
tr = wait_for(r"^trace of asyncdemo[^\n]*\n((?:  t=.*\n)+)", mark)
rows = tr.group(1).splitlines() if tr else []
tids = {r.split()[2] for r in rows}
blocks = [r for r in rows if "RUNNING    -> BLOCKED" in r]
counts = one_thread(mark)
verdict("async_serial_one_thread",
        None if len(tids) == 1 and blocks and not counts
        else f"trace: threads {sorted(tids)}, {len(blocks)} blocks; {counts}")

# ---- 64 KiB of CRLF lines at once, from a peer that reads late ----
lines = [(f"{i:04d} " + "abcdefghijklmnopqrstuvwxyz0123456789-the-quick-brown-fox-jumps")[:62]
         for i in range(1024)]
sent = b"".join(l.encode() + b"\r\n" for l in lines)        # 64 bytes a line: 64 KiB
want = b"".join(l.upper().encode() + b"\n" for l in lines)   # 63 a line back
assert len(sent) == 65536
mark = len(text())
type_("run asyncdemo 1024\n")
wait_for(r"^serial: UART1 is descriptor", mark)
t0 = time.time()
sender = threading.Thread(target=peer.sendall, args=(sent,), daemon=True)
sender.start()
time.sleep(1.0)                       # a peer that reads late
got = recv_exactly(peer, len(want), 60)
print(f"64 KiB echoed in {time.time() - t0:.1f} s")
type_("end\n")
summary = wait_for(r"^serial: (\d+) lines, (\d+) bytes echoed, (\d+) waits for room", mark, 20)
done = wait_for(r"^\[\d+ asyncdemo\] exited (\d+)", mark)
first_bad = next((i for i in range(min(len(got), len(want))) if got[i] != want[i]), None)
verdict("async_serial_64k_slow_peer",
        None if got == want and summary and summary.group(1) == "1024" and done and done.group(1) == "0"
        and wait_for(r"^fast: tick 4 at", mark, 1)
        else f"{len(got)} of {len(want)} bytes back, first difference at {first_bad}; "
             f"summary {summary.groups() if summary else None}; exit {done.group(1) if done else None}")

# ---- Ctrl-C while every task waits ----
mark = len(text())
type_("mem\n")
before = mem_at(mark)
mark = len(text())
type_("run asyncdemo\n")
waiting = wait_for(r"^reader: waiting", mark) and wait_for(r"^fast: tick 4", mark)
time.sleep(0.3)
type_("\x03")
killed = wait_for(r"interrupted|killed", mark)
mark = len(text())
type_("mem\n")
after = mem_at(mark)
mark = len(text())
type_("run asyncdemo 1\n")
wait_for(r"^serial: UART1 is descriptor", mark)
peer.sendall(b"after ctrl-c\r\n")
again = recv_exactly(peer, 13, 10)
type_("bye\n")
done = wait_for(r"^\[\d+ asyncdemo\] exited (\d+)", mark)
verdict("async_serial_ctrl_c",
        None if waiting and killed and before and before == after and again == b"AFTER CTRL-C\n"
        and done and done.group(1) == "0"
        else f"waiting {bool(waiting)} killed {bool(killed)} mem {before} -> {after}, "
             f"then UART1 gave {again!r}")

def halt():
    global failed
    type_("halt\n")
    try:
        rc = q.wait(30)
    except subprocess.TimeoutExpired:
        q.kill(); rc = -1
    if rc != 0:
        print(f"FAIL qemu exit status {rc}"); failed += 1

halt()
peer.close()

# ---- a peer that stops reading: UART1 on a small FIFO ----
fifo = tempfile.mkdtemp()
os.mkfifo(fifo + "/u1.in"); os.mkfifo(fifo + "/u1.out")
out.clear()
q = subprocess.Popen([qemu_sh, img, "-serial", f"pipe:{fifo}/u1"], stdin=subprocess.PIPE,
                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                     env={"QEMU_TIMEOUT": "60", "PATH": "/usr/bin:/bin"})
threading.Thread(target=pump, daemon=True).start()
to_guest = os.open(fifo + "/u1.in", os.O_WRONLY)
from_guest = os.open(fifo + "/u1.out", os.O_RDONLY)
fcntl.fcntl(from_guest, 1031, 4096)           # F_SETPIPE_SZ: room for 4 KiB, then QEMU waits
wait_for(r"weft\$", 0)
lines = [f"{i:04d} stalled peer, line of sixty-three bytes with its newline...."[:62] for i in range(200)]
want = b"".join(l.upper().encode() + b"\n" for l in lines)
type_("run asyncdemo 200\n")
wait_for(r"^serial: UART1 is descriptor", 0)
threading.Thread(target=os.write, args=(to_guest, b"".join(l.encode() + b"\r\n" for l in lines)),
                 daemon=True).start()
time.sleep(1.0)                                # the FIFO is full by now: UART1 stalls
type_("during the stall\n")
during = wait_for(r"^reader: got 'during the stall'", 0, 5)
time.sleep(1.0)
got, end = b"", time.time() + 20
os.set_blocking(from_guest, False)
while len(got) < len(want) and time.time() < end:
    try:
        got += os.read(from_guest, 65536)
    except BlockingIOError:
        time.sleep(0.05)
summary = wait_for(r"^serial: (\d+) lines, (\d+) bytes echoed, (\d+) waits for room", 0)
done = wait_for(r"^\[\d+ asyncdemo\] exited (\d+)", 0)
counts = one_thread(0)
verdict("async_serial_stalled_peer",
        None if during and got == want and summary and int(summary.group(3)) > 0 and done
        and done.group(1) == "0" and not counts
        else f"console during the stall: {bool(during)}; {len(got)} of {len(want)} bytes back; "
             f"summary {summary.groups() if summary else None}; exit {done.group(1) if done else None}; "
             f"{counts}")
halt()
os.close(to_guest), os.close(from_guest)
shutil.rmtree(fifo)
with open("/tmp/weft-async-serial.log", "w") as f:
    f.write(text())
print(f"async-serial: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
PY
