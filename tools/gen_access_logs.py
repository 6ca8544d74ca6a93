#!/usr/bin/python3
"""gen_access_logs.py: write sample web-server access logs for weft-logs.

Course idea: the log-analysis case needs a folder of logs; this makes one,
deterministically (same seed, same files), in the combined log format:

  203.0.113.7 - - [10/Oct/2024:13:55:36 +0000] "GET /index.html HTTP/1.1" 200 2326 "-" "curl/8.0"

Client IPs are drawn with a skew (a few busy clients, a long tail), as in real
logs, so "unique IPs" is much smaller than "requests".

Usage: tools/gen_access_logs.py DIR [--files N] [--lines M] [--seed S]
Prints one line per file: NAME REQUESTS UNIQUE_IPS, the figures weft-logs
should report (tests/host/pool_logs_test.sh compares them).
"""
import argparse
import os
import random

PATHS = ["/", "/index.html", "/about", "/api/items", "/api/items/42", "/static/app.js",
         "/static/style.css", "/login", "/search?q=pool", "/favicon.ico"]
AGENTS = ["curl/8.0", "Mozilla/5.0 (X11; Linux x86_64)", "python-requests/2.31", "Googlebot/2.1"]
STATUS = [200] * 16 + [301, 304, 404, 500]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir")
    ap.add_argument("--files", type=int, default=8)
    ap.add_argument("--lines", type=int, default=50000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    os.makedirs(args.dir, exist_ok=True)
    clients = [f"{rng.randrange(1, 224)}.{rng.randrange(256)}.{rng.randrange(256)}."
               f"{rng.randrange(1, 255)}" for _ in range(20000)]
    for n in range(args.files):
        name = f"access-{n:03d}.log"
        seen = set()
        lines = args.lines + rng.randrange(args.lines // 2 + 1)
        with open(os.path.join(args.dir, name), "w") as f:
            for i in range(lines):
                ip = clients[min(int(rng.paretovariate(1.2)) - 1, len(clients) - 1)
                             if rng.random() < 0.7 else rng.randrange(len(clients))]
                seen.add(ip)
                second = i * 86400 // lines
                f.write(f'{ip} - - [{10 + n % 18:02d}/Oct/2024:{second // 3600:02d}:'
                        f'{second // 60 % 60:02d}:{second % 60:02d} +0000] '
                        f'"GET {rng.choice(PATHS)} HTTP/1.1" {rng.choice(STATUS)} '
                        f'{rng.randrange(200, 50000)} "-" "{rng.choice(AGENTS)}"\n')
        print(name, lines, len(seen))


if __name__ == "__main__":
    main()
