#!/usr/bin/env python3
"""profile.py: where the instructions of one benchmark figure go, per function.

Course idea: a budget you can read. `make profile BENCH=NAME` builds a
profile image (a bench image that measures only NAME, tests/target/bench.h)
and runs this tool on it. The tool boots the image in QEMU under -icount
with one instruction per translation block and the execution log on
(-singlestep -d exec,nochain), so the log holds one line per executed
guest instruction, and attributes each to the function that contains it
(the ELF symbol table; the file comes from the debug line table).

It cuts the trace exactly where the benchmark cuts time: at the timer
reads, whose addresses the assembler lists in the ELF section .bench_reads.
Each pair of reads is a window, and the image's "profile:" line says how
the windows make the figure (per_op: the difference of two runs, minus the
empty loop; per_event: events minus calibrations). So the table's total is
the bench figure recomputed from counted instructions rather than timer
ticks, and the tool prints the image's own "bench:" line of the same run
next to it; bench-check.sh checks that the two agree.

QEMU's log has two kinds of lines that withdraw the instruction logged just
before them: "Stopped execution of TB chain before ..." (the block was
entered but an interrupt or the instruction budget stopped it before its
first instruction) and "cpu_io_recompile: rewound execution of TB to ..."
(a device access under icount is redone). Both are honoured.

Usage: tools/profile.py IMAGE.elf [--user PROGRAM.elf] [--keep-log FILE]
(--user: the program the image runs, to name user functions)
Exit status: 0, or 1 with a message (bad image, QEMU failed, no windows).
"""
import bisect
import os
import subprocess
import sys
import tempfile
from fractions import Fraction

CROSS = os.environ.get("CROSS", "arm-none-eabi-")
USER_ARENA = 0x21000000    # arch_proc_arena(): the board's PSRAM
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def die(msg):
    print("profile: " + msg, file=sys.stderr)
    sys.exit(1)


def run_tool(args):
    try:
        return subprocess.run(args, check=True, capture_output=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError) as e:
        die("%s failed: %s" % (args[0], e))


def functions(elf):
    """Sorted [(start, end, name)] of the code symbols with a size."""
    out = []
    for line in run_tool([CROSS + "nm", "-S", "--defined-only", "-n", elf]).splitlines():
        f = line.split()
        if len(f) == 4 and f[2] in "tTwW":
            start = int(f[0], 16) & ~1
            out.append((start, start + int(f[1], 16), f[3]))
    return out


def timer_reads(elf):
    """Addresses of the timer reads (section .bench_reads: little-endian words)."""
    with tempfile.NamedTemporaryFile(suffix=".bin") as tmp:
        run_tool([CROSS + "objcopy", "-O", "binary", "--only-section=.bench_reads",
                  "--set-section-flags", ".bench_reads=alloc", elf, tmp.name])
        data = open(tmp.name, "rb").read()
    reads = {int.from_bytes(data[i:i + 4], "little") & ~1 for i in range(0, len(data), 4)}
    reads.discard(0)
    return reads


def source_files(elf, starts):
    """{start address: 'dir/file.c'} from the debug line table. A function's
    first instruction may belong to code inlined into it, so addr2line -i
    lists the inline chain, and the outermost entry (the last) is the
    function's own file."""
    if not starts:
        return {}
    out = run_tool([CROSS + "addr2line", "-a", "-i", "-e", elf] + ["%x" % a for a in starts])
    files, addr = {}, None
    for line in out.splitlines():
        if line.startswith("0x"):
            addr = int(line, 16)
            continue
        path = line.rsplit(":", 1)[0]
        if path.startswith("/"):
            path = os.path.relpath(path, ROOT)
        files[addr] = os.path.normpath(path) if path != "??" else "?"
    return files


class Counter:
    """Instructions per window per function, committed one behind the log so
    that QEMU's withdrawals can cancel the last one."""

    def __init__(self, funcs, reads):
        self.starts = [f[0] for f in funcs]
        self.funcs = funcs
        self.reads = reads
        self.cache = {}
        self.windows = []           # one {pc: count} per window
        self.open = None
        self.pending = None

    def func_of(self, pc):
        i = self.cache.get(pc)
        if i is None:
            i = bisect.bisect_right(self.starts, pc) - 1
            if i < 0 or pc >= self.funcs[i][1]:
                i = -1 - pc         # outside every sized symbol: its address
            self.cache[pc] = i
        return i

    def commit(self):
        pc = self.pending
        self.pending = None
        if pc is None:
            return
        if pc in self.reads:
            if self.open is None:   # the first read of a pair opens a window
                self.open = {}
                self.windows.append(self.open)
            else:                   # the second closes it, uncounted
                self.open = None
                return
        if self.open is not None:
            self.open[pc] = self.open.get(pc, 0) + 1

    def executed(self, pc):
        self.commit()
        self.pending = pc

    def withdrawn(self, pc):
        if self.pending != pc:
            die("log withdraws %#x, but the last instruction was %s" %
                (pc, "none" if self.pending is None else "%#x" % self.pending))
        self.pending = None


def read_log_line(line, counter):
    """One line of QEMU's exec log to the counter: an executed block, or
    one whose run was cut short (its unexecuted tail withdrawn)."""
    if line.startswith("Trace"):
        counter.executed(int(line.split("/", 2)[1], 16))
    elif line.startswith("Stopped execution of TB chain"):
        counter.withdrawn(int(line.split("[", 1)[1][:8], 16))
    elif line.startswith("cpu_io_recompile: rewound"):
        counter.withdrawn(int(line.rsplit(" ", 1)[1], 16))


def trace(image, log_path, counter):
    """Boot the image with the execution log going into a FIFO we read."""
    env = dict(os.environ, QEMU_ICOUNT="shift=10,sleep=off",
               QEMU_TIMEOUT=os.environ.get("QEMU_TIMEOUT", "600"))
    out = tempfile.TemporaryFile(mode="w+")
    with tempfile.TemporaryDirectory() as d:
        fifo = os.path.join(d, "exec.log")
        os.mkfifo(fifo)
        q = subprocess.Popen([os.path.join(ROOT, "tools/qemu.sh"), image, "-singlestep",
                              "-d", "exec,nochain", "-D", fifo],
                             stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                             env=env)
        keep = open(log_path, "w") if log_path else None
        with open(fifo) as f:
            for line in f:
                if keep:
                    keep.write(line)
                read_log_line(line, counter)
        counter.commit()
        if keep:
            keep.close()
        rc = q.wait()
    out.seek(0)
    text = out.read().replace("\r", "")
    if rc != 0:
        sys.stderr.write(text)
        die("%s exited %d" % (image, rc))
    return text


def weights(recipe, nwin):
    """The figure as sum(weight[w] * count[w]): one weight per window."""
    kind, n1, n2 = recipe["kind"], recipe["N1"], recipe["N2"]
    dn = n2 - n1
    if kind == "per_op":
        ops, loops = recipe["args"]
        if nwin != 4:
            die("per_op wants 4 windows (loop N1, N2, scenario N1, N2), the trace has %d" % nwin)
        return [Fraction(loops, dn), Fraction(-loops, dn),
                Fraction(-1, ops * dn), Fraction(1, ops * dn)]
    # The image always measures the empty loop first (windows 0 and 1).
    if kind == "per_event":
        if nwin != 2 + 2 * n2:
            die("per_event wants %d windows, the trace has %d" % (2 + 2 * n2, nwin))
        return [0, 0] + [Fraction(-1, n2)] * n2 + [Fraction(1, n2)] * n2
    die("unknown recipe %r" % kind)


def parse_recipe(text):
    for line in text.splitlines():
        f = line.split()
        if len(f) >= 5 and f[0] == "profile:":
            r = {"name": f[1], "kind": f[2], "args": [int(x) for x in f[3:-2]]}
            r["N1"] = int(f[-2].split("=")[1])
            r["N2"] = int(f[-1].split("=")[1])
            return r
    die("the image printed no 'profile:' line: is it a profile image (make profile)?")


def tenths(x):
    """Round to a tenth the way bench_print does (half away from zero)."""
    t = abs(x) * 10
    r = int(t + Fraction(1, 2))
    return ("-" if x < 0 and r else "") + "%d.%d" % (r // 10, r % 10)


def inline_chains(elf, pcs):
    """{pc: (function, file)} of the innermost function each instruction
    belongs to, inlined or not (addr2line -i lists the chain innermost
    first; the file of an inlined function is where its code is)."""
    if not pcs:
        return {}
    out = run_tool([CROSS + "addr2line", "-a", "-f", "-i", "-e", elf] + ["%x" % a for a in pcs])
    lines, res, i = out.splitlines(), {}, 0
    while i < len(lines):
        addr = int(lines[i], 16)
        fn, loc = lines[i + 1], lines[i + 2]
        path = loc.rsplit(":", 1)[0]
        if path.startswith("/"):
            path = os.path.relpath(path, ROOT)
        res[addr] = (fn, os.path.normpath(path) if path != "??" else "?")
        i += 3
        while i < len(lines) and not lines[i].startswith("0x"):
            i += 2                  # the outer frames of the chain
    return res


def user_symbols(elf, arena):
    """A lookup for user code: programs run from a block of the process
    arena, its code at the block's start, and a block is aligned to its
    size, which is at least the program's text. So an address taken modulo
    the next power of two above the text size is an offset in the program's
    ELF (linked at 0), whatever block it was loaded in."""
    funcs = functions(elf)
    if not funcs:
        die("no symbols in " + elf)
    span = 1
    while span < funcs[-1][1]:
        span *= 2
    starts = [f[0] for f in funcs]
    files = {}

    def lookup(pc):
        if pc < arena:
            return None
        off = pc & (span - 1)
        i = bisect.bisect_right(starts, off) - 1
        if i < 0 or off >= funcs[i][1]:
            return None
        return funcs[i]
    return lookup, files


def main(argv):
    usage = ("usage: tools/profile.py IMAGE.elf [--user PROGRAM.elf] [--inline] "
             "[--keep-log FILE]")
    inline = "--inline" in argv
    argv = [a for a in argv if a != "--inline"]
    if len(argv) < 2 or len(argv) % 2 != 0:
        die(usage)
    image, opts = argv[1], dict(zip(argv[2::2], argv[3::2]))
    if set(opts) - {"--user", "--keep-log"}:
        die(usage)
    for f in [image] + ([opts["--user"]] if "--user" in opts else []):
        if not os.path.isfile(f):
            die("no such file: " + f)
    funcs = functions(image)
    reads = timer_reads(image)
    if not funcs or not reads:
        die("%s has no symbols or no .bench_reads section" % image)
    counter = Counter(funcs, reads)
    text = trace(image, opts.get("--keep-log"), counter)
    recipe = parse_recipe(text)
    w = weights(recipe, len(counter.windows))

    # Kernel functions by index; user code (below) by name; anything else
    # by address. The empty loop's windows go to one line of their own.
    ulookup = user_symbols(opts["--user"], USER_ARENA)[0] if "--user" in opts else None
    names = {}
    per, loop = {}, Fraction(0)
    chains = {}
    if inline:
        pcs = sorted({pc for win in counter.windows for pc in win if counter.func_of(pc) >= 0})
        chains = inline_chains(image, pcs)
    for n, (wt, win) in enumerate(zip(w, counter.windows)):
        for pc, c in win.items():
            if recipe["kind"] == "per_op" and n < 2:
                loop += wt * c
                continue
            i = counter.func_of(pc)
            if i >= 0 and inline:
                fn, f = chains.get(pc, (funcs[i][2], "?"))
                key = ("inl", fn, f, funcs[i][2])
            elif i >= 0:
                key = i
            else:
                u = ulookup(-1 - i) if ulookup else None
                key = ("user", u[2]) if u else ("addr", -1 - i)
                names[key] = (u and u[0])
            per[key] = per.get(key, 0) + wt * c
    starts = sorted({funcs[k][0] for k in per if isinstance(k, int)} |
                    {funcs[i][0] for i, f in enumerate(funcs)
                     if any(isinstance(k, tuple) and k[0] == "inl" and k[1] == k[3] == f[2]
                            for k in per)})
    files = source_files(image, starts)
    ufiles = {}
    if ulookup:
        ustarts = sorted({names[k] for k in per if isinstance(k, tuple) and k[0] == "user"})
        ufiles = source_files(opts["--user"], ustarts)

    def label(k):
        if isinstance(k, int):
            return files.get(funcs[k][0], "?"), funcs[k][2]
        if k[0] == "user":
            return ufiles.get(names[k], "?"), k[1] + " (user)"
        if k[0] == "inl":
            return k[2], k[1] if k[1] == k[3] else "%s, in %s" % (k[1], k[3])
        return "?", "%#x" % k[1]

    rows = [(v, k) for k, v in per.items() if v != 0]
    total = sum(v for v, _ in rows) + loop
    print("profile: %s, guest instructions per %s (%s)" %
          (recipe["name"], "operation" if recipe["kind"] == "per_op" else "event",
           os.path.basename(image)))
    print("  %-24s %-40s %9s" % ("file", "function", "insns"))
    for v, k in sorted(rows, key=lambda r: -r[0]):
        print("  %-24s %-40s %9s" % (label(k) + (tenths(v),)))
    if recipe["kind"] == "per_op":
        print("  %-24s %-40s %9s" % ("tests/target/", "the empty loop, subtracted", tenths(loop)))
    print("  %-65s %9s" % ("total", tenths(total)))
    for line in text.splitlines():
        if line.startswith("bench: " + recipe["name"] + " "):
            print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
