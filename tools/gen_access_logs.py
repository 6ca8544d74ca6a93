#!/usr/bin/python3
"""gen_access_logs.py: write sample web-server access logs for weft-logs.

Course idea: the log-analysis case needs a folder of logs; this makes one,
deterministically (same seed, same files), in the combined log format:

  203.0.113.7 - - [10/Oct/2024:13:55:36 +0000] "GET /index.html HTTP/1.1" 200 2326 "-" "curl/8.0"

Client IPs are drawn with a skew (a few busy clients, a long tail), as in real
logs, so "unique IPs" is much smaller than "requests".

With --messy the files look like real ones instead: some end lines in
"\r\n", some separate fields with tabs or start lines with blanks, a quarter
of the clients are IPv6 (each written in several equivalent spellings, which
are one client), and about 1 line in 50 is junk whose first field is not an
address ("-", "localhost", "300.1.2.3", ...): a malformed line.

Usage: tools/gen_access_logs.py DIR [--files N] [--lines M] [--seed S] [--messy]
Prints one line per file: NAME REQUESTS UNIQUE_IPS MALFORMED, the figures
weft-logs should report (tests/host/pool_logs_test.sh compares them).
"""
import argparse
import ipaddress
import os
import random

PATHS = ["/", "/index.html", "/about", "/api/items", "/api/items/42", "/static/app.js",
         "/static/style.css", "/login", "/search?q=pool", "/favicon.ico"]
AGENTS = ["curl/8.0", "Mozilla/5.0 (X11; Linux x86_64)", "python-requests/2.31", "Googlebot/2.1"]
STATUS = [200] * 16 + [301, 304, 404, 500]
JUNK = ["-", "localhost", "300.1.2.3", "10.0.0", "2001:db8::g1", "[::1]", "GET / HTTP/1.1"]


def spell(ip, rng):
    """One of the equivalent ways to write ip (IPv6 has several)."""
    a = ipaddress.ip_address(ip)
    if a.version == 4:
        return ip
    return rng.choice([a.compressed, a.exploded, a.compressed.upper()])


def clients(rng):
    """20,000 clients, a quarter of them IPv6 (only with --messy)."""
    v4 = [f"{rng.randrange(1, 224)}.{rng.randrange(256)}.{rng.randrange(256)}."
          f"{rng.randrange(1, 255)}" for _ in range(20000)]
    v6 = [str(ipaddress.IPv6Address((0x20010db8 << 96) | rng.getrandbits(48)))
          for _ in range(5000)]
    return v4, v6


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir")
    ap.add_argument("--files", type=int, default=8)
    ap.add_argument("--lines", type=int, default=50000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--messy", action="store_true", help="CRLF, tabs, IPv6, junk lines")
    args = ap.parse_args()
    if args.files < 1 or args.lines < 1:
        ap.error("--files and --lines want whole numbers of at least 1")
    rng = random.Random(args.seed)
    os.makedirs(args.dir, exist_ok=True)
    v4, v6 = clients(rng)
    pool = v4[:15000] + v6 if args.messy else v4
    for n in range(args.files):
        name = f"access-{n:03d}.log"
        seen, malformed = set(), 0
        lines = args.lines + rng.randrange(args.lines // 2 + 1)
        crlf = args.messy and n % 2 == 1
        sep = "\t" if args.messy and n % 3 == 2 else " "
        with open(os.path.join(args.dir, name), "w", newline="") as f:
            for i in range(lines):
                ip = pool[min(int(rng.paretovariate(1.2)) - 1, len(pool) - 1)
                          if rng.random() < 0.7 else rng.randrange(len(pool))]
                lead = rng.choice(["", " ", "\t "]) if args.messy else ""
                if args.messy and rng.random() < 0.02:
                    field = rng.choice(JUNK)
                    malformed += 1
                else:
                    field = spell(ip, rng)
                    seen.add(ipaddress.ip_address(ip))
                second = i * 86400 // lines
                f.write(f'{lead}{field}{sep}- - [{10 + n % 18:02d}/Oct/2024:{second // 3600:02d}:'
                        f'{second // 60 % 60:02d}:{second % 60:02d} +0000] '
                        f'"GET {rng.choice(PATHS)} HTTP/1.1" {rng.choice(STATUS)} '
                        f'{rng.randrange(200, 50000)} "-" "{rng.choice(AGENTS)}"'
                        + ("\r\n" if crlf else "\n"))
        print(name, lines - malformed, len(seen), malformed)


if __name__ == "__main__":
    main()
