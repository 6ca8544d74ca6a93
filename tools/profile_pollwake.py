#!/usr/bin/env python3
"""profile_pollwake.py: where poll_wakeup's instructions go, per function.

Course idea: the budget of interrupt-driven IO, from a console byte's
interrupt to the coroutine that awaited it (tests/target/bench_pollwake.c).
The same method as tools/profile.py (QEMU's one-line-per-instruction log,
each instruction given to the function that contains it), with two
differences that profile.py's images do not have: the windows are cut at
the two stubs' timer reads (rx_stub and mm_stub, each the `ldr r0, [r0]`
after a movw/movt pair), and the image needs console input, fed here as
`make bench-pollwake` feeds it. The table is the mean over the samples; its
total is the figure plus the stubs' own instructions.

Usage: tools/profile_pollwake.py build/bench-pollwake.elf build/user/pollwake.elf
Exit status: 0, or 1 with a message.
"""
import importlib.util
import os
import subprocess
import sys
import tempfile
import threading
import time
from fractions import Fraction

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
spec = importlib.util.spec_from_file_location("weft_profile", os.path.join(ROOT, "tools/profile.py"))
prof = importlib.util.module_from_spec(spec)
spec.loader.exec_module(prof)
SAMPLES = 6


def feed(pipe):
    try:
        time.sleep(1)
        for _ in range(8):
            pipe.write(b"x")
            pipe.flush()
            time.sleep(0.2)
        pipe.close()
    except BrokenPipeError:
        pass                        # QEMU has ended: the bytes after the samples are not needed


def trace(image, counter):
    env = dict(os.environ, QEMU_ICOUNT="shift=10,sleep=off", QEMU_TIMEOUT="120")
    with tempfile.TemporaryDirectory() as d:
        fifo = os.path.join(d, "exec.log")
        os.mkfifo(fifo)
        q = subprocess.Popen([os.path.join(ROOT, "tools/qemu.sh"), image, "-singlestep",
                              "-d", "exec,nochain", "-D", fifo], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
        threading.Thread(target=feed, args=(q.stdin,), daemon=True).start()
        out = []
        reader = threading.Thread(target=lambda: out.append(q.stdout.read()), daemon=True)
        reader.start()
        with open(fifo) as f:
            for line in f:
                prof.read_log_line(line, counter)
        counter.commit()
        rc = q.wait()
        reader.join(10)
    text = b"".join(out).decode(errors="replace").replace("\r", "")
    if rc != 0:
        sys.stderr.write(text)
        prof.die("%s exited %d" % (image, rc))
    return text


def main(argv):
    if len(argv) != 3 or not all(os.path.isfile(f) for f in argv[1:]):
        prof.die("usage: tools/profile_pollwake.py build/bench-pollwake.elf build/user/pollwake.elf")
    image, user = argv[1], argv[2]
    funcs = prof.functions(image)
    byname = {f[2]: f[0] for f in funcs}
    if "rx_stub" not in byname or "mm_stub" not in byname:
        prof.die("%s has no rx_stub and mm_stub: not the poll_wakeup image" % image)
    counter = prof.Counter(funcs, {byname["rx_stub"] + 8, byname["mm_stub"] + 8})
    text = trace(image, counter)
    if len(counter.windows) < SAMPLES:
        prof.die("%d windows in the trace, %d wanted" % (len(counter.windows), SAMPLES))
    lookup = prof.user_symbols(user, prof.USER_ARENA)[0]
    ufiles = prof.source_files(user, sorted({f[0] for f in prof.functions(user)}))
    per = {}
    for win in counter.windows[:SAMPLES]:
        for pc, c in win.items():
            i = counter.func_of(pc)
            if i >= 0:
                key = (prof.source_files(image, [funcs[i][0]]).get(funcs[i][0], "?"), funcs[i][2])
            else:
                u = lookup(-1 - i)
                key = (ufiles.get(u[0], "?"), u[2] + " (user)") if u else ("?", "%#x" % (-1 - i))
            if "newlib" in key[0]:
                key = ("newlib", key[1])
            per[key] = per.get(key, 0) + Fraction(c, SAMPLES)
    print("profile: poll_wakeup, guest instructions per byte (%s, %s)" %
          (os.path.basename(image), os.path.basename(user)))
    print("  %-28s %-36s %9s" % ("file", "function", "insns"))
    for key, v in sorted(per.items(), key=lambda kv: -kv[1]):
        print("  %-28s %-36s %9s" % (key + (prof.tenths(v),)))
    print("  %-65s %9s" % ("total (the figure + 6 stub instructions)", prof.tenths(sum(per.values()))))
    for line in text.splitlines():
        if line.startswith("bench: poll_wakeup "):
            print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
