#!/usr/bin/env bash
# pool_logs_test.sh: weft-logs counts real logs as an independent reader does.
#
# Course idea: the log-analysis case, checked end to end on the logs a real
# server leaves behind. The oracle is a few lines of Python (gzip and
# ipaddress from its standard library) that share no code with weft-logs:
# the two must agree on every file's requests, distinct clients and
# malformed lines, for clean logs, messy ones (CRLF, tabs, leading blanks,
# IPv6 in several spellings, junk lines), files rotated and compressed by the
# real gzip, a directory path longer than PATH_MAX, and a 1 GB file with no
# newline under a memory limit. Files that cannot be read must fail, with
# their reason, and exit 1. mk/pools.mk fills in the paths (@WEFT_LOGS@ is
# the ASan+UBSan build, @WEFT_LOGS_OPT@ the optimised one). Ends with the
# "N passed, N failed" line tools/testsuite.sh reads.
set -u
weft_logs=@WEFT_LOGS@
weft_logs_opt=@WEFT_LOGS_OPT@
gen=@GEN@
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
pass=0; fail=0
check() { if eval "$2"; then pass=$((pass + 1)); echo "ok   $1"; else fail=$((fail + 1)); echo "FAIL $1"; fi; }

# The oracle: NAME REQUESTS UNIQUE MALFORMED for every file of a directory.
oracle() {
  /usr/bin/python3 - "$1" <<'EOF'
import gzip, ipaddress, os, re, sys
d = sys.argv[1]
for name in sorted(os.listdir(d)):
    p = os.path.join(d, name)
    if name.startswith(".") or os.path.isdir(p):
        continue
    data = open(p, "rb").read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    lines = data.split(b"\n")
    if lines[-1] == b"":
        lines.pop()
    requests, malformed, seen = 0, 0, set()
    for line in lines:
        field = re.match(rb"[ \t\r]*([^ \t\r]*)", line).group(1)
        if not field:
            continue
        try:
            ip = ipaddress.ip_address(field.decode("latin-1"))
        except ValueError:
            ip = None
        if ip is None or len(line) > 1024 * 1024:
            malformed += 1
        else:
            requests += 1
            seen.add(ip)
    print(name, requests, len(seen), malformed)
EOF
}
# What weft-logs said, in the oracle's format.
table() { awk '$1 == "file" { on = 1; next } /^total:/ { on = 0 } on && $2 != "failed:" { print $1, $2, $3, $4 }' "$1"; }

# 1. Clean logs: the generator's own figures, the oracle's, weft-logs'.
"$gen" "$dir/logs" --files 12 --lines 3000 --seed 7 | awk '{ print $1, $2, $3, $4 }' | sort > "$dir/expected"
"$weft_logs" -p 3 "$dir/logs" > "$dir/out" 2> "$dir/err"; rc=$?
cat "$dir/out" "$dir/err"
table "$dir/out" | sort > "$dir/got"
check "clean logs: exits 0" "[ $rc -eq 0 ]"
check "clean logs: the generator's figures" "cmp -s '$dir/expected' '$dir/got'"
check "clean logs: the oracle agrees" "oracle '$dir/logs' | sort | cmp -s - '$dir/got'"
check "clean logs: all 12 files, no malformed lines" \
  "[ \$(wc -l < '$dir/got') -eq 12 ] && grep -q 'total: [0-9]* requests, 0 malformed lines in 12 files, 0 failed' '$dir/out'"
check "callbacks ran in the parent" \
  "grep -Eq 'collected by callbacks in pid ([0-9]+) \(this process: \1\)' '$dir/out'"
check "more than one worker process did the work" \
  "[ \$(table '$dir/out' | wc -l) -gt 0 ] && [ \$(awk '/^access-/ { print \$5 }' '$dir/out' | sort -u | wc -l) -gt 1 ]"

# 2. Messy logs, rotated and compressed by the real gzip.
m=$dir/messy
"$gen" "$m" --files 6 --lines 2000 --seed 3 --messy > /dev/null
mv "$m/access-004.log" "$m/access.log.2" && gzip -9 "$m/access.log.2"
mv "$m/access-005.log" "$m/access.log.3" && gzip "$m/access.log.3"
head -n 300 "$m/access-000.log" | gzip > "$m/part1.gz"; tail -n 200 "$m/access-001.log" | gzip > "$m/part2.gz"
cat "$m/part1.gz" "$m/part2.gz" > "$m/access.log.4.gz"   # two gzip members, as zcat reads them
rm "$m/part1.gz" "$m/part2.gz"
printf '10.0.0.1 - - x\n\n   \n10.0.0.2 - - y\r\n::1\tz\n10.0.0.1' > "$m/no-final-newline.log"
: > "$m/empty.log"
"$weft_logs" -p 2 "$m" > "$dir/out" 2> "$dir/err"; rc=$?
cat "$dir/out" "$dir/err"
table "$dir/out" > "$dir/got"; oracle "$m" > "$dir/want"
check "messy logs: exits 0" "[ $rc -eq 0 ]"
check "messy logs: every file as the oracle counts it (gzip, CRLF, tabs, IPv6, junk)" \
  "cmp -s '$dir/want' '$dir/got' || diff '$dir/want' '$dir/got'"
check "messy logs: the gzip files hold more than their compressed bytes' worth" \
  "[ \$(awk '\$1 == \"access.log.2.gz\" { print \$2 }' '$dir/got') -gt 1900 ]"
check "messy logs: malformed lines are reported on stderr with a line number" \
  "grep -q 'access-000.log: [1-9][0-9]* malformed lines (the first is line [1-9]' '$dir/err'"

# 3. Files that cannot be read fail, with their reason; the rest are counted.
b=$dir/bad
mkdir "$b" "$dir/adir" && printf '10.0.0.1 - -\n' > "$b/ok.log"
ln -s /nonexistent "$b/missing.log"
ln -s "$dir/adir" "$b/dir-link.log"
gzip -c "$m/access-000.log" > "$dir/full.gz"
head -c $(( $(stat -c %s "$dir/full.gz") / 2 )) "$dir/full.gz" > "$b/truncated.log.1.gz"
/usr/bin/python3 -c 'import sys; d = bytearray(open(sys.argv[1], "rb").read()); d[40:60] = b"\xff" * 20; open(sys.argv[2], "wb").write(d)' \
  "$dir/full.gz" "$b/corrupt.log.2.gz"
"$weft_logs" -p 2 "$b" > "$dir/out" 2> "$dir/err"; rc=$?
cat "$dir/out" "$dir/err"
check "unreadable files: exit 1" "[ $rc -eq 1 ]"
check "unreadable files: the readable one is counted" "grep -Eq '^ok.log +1 +1 +0 ' '$dir/out'"
check "unreadable files: a missing file fails with its reason" "grep -q '^missing.log  *failed: .*No such file' '$dir/out'"
check "unreadable files: a directory fails with its reason" "grep -q '^dir-link.log  *failed: .*Is a directory' '$dir/out'"
check "unreadable files: a truncated gzip file fails, not counted as a short one" \
  "grep -q '^truncated.log.1.gz  *failed: read error' '$dir/out'"
check "unreadable files: a corrupt gzip file fails" "grep -q '^corrupt.log.2.gz  *failed: read error' '$dir/out'"
check "unreadable files: each named on stderr" "[ \$(grep -c 'failed\|read error\|cannot open' '$dir/err') -ge 4 ]"
check "unreadable files: the total says how many failed" "grep -q 'in 1 files, 4 failed' '$dir/out'"
if [ "$(id -u)" -ne 0 ]; then # root reads a mode-000 file anyway
  mkdir "$dir/perm" && echo "10.0.0.1 - -" > "$dir/perm/secret.log" && chmod 000 "$dir/perm/secret.log"
  "$weft_logs" "$dir/perm" > "$dir/out" 2> /dev/null; rc=$?
  check "unreadable files: no permission fails with its reason" \
    "[ $rc -eq 1 ] && grep -q '^secret.log  *failed: .*Permission denied' '$dir/out'"
fi

# 4. A directory deeper than PATH_MAX (4096 bytes), and a 255-byte file name.
name=$(printf 'd%.0s' $(seq 200)); long=$dir/deep
mkdir "$long" && (cd "$long" && for i in $(seq 24); do mkdir "$name" && cd "$name" || exit 1; done
  printf '192.0.2.1 - -\n192.0.2.2 - -\n192.0.2.1 - -\njunk\n' > "$(printf 'f%.0s' $(seq 255))")
for i in $(seq 24); do long=$long/$name; done
"$weft_logs" "$long" > "$dir/out" 2> "$dir/err"; rc=$?
cat "$dir/err"
check "a ${#long}-byte directory: counted, no overrun (ASan)" \
  "[ $rc -eq 0 ] && [ \${#long} -gt 4096 ] && grep -Eq '^f{255} +3 +2 +1 ' '$dir/out'"

# 5. A 1 GB file with no newline: one malformed line, in bounded memory.
h=$dir/huge; mkdir "$h" && truncate -s 1G "$h/one-line.log" && printf '198.51.100.7 - -\n' > "$h/small.log"
(ulimit -v 400000; exec "$weft_logs_opt" -p 2 "$h") > "$dir/out" 2> "$dir/err"; rc=$?
cat "$dir/out" "$dir/err"
check "a 1 GB line under a 400 MB memory limit: exits 0" "[ $rc -eq 0 ]"
check "a 1 GB line is one malformed line" "grep -Eq '^one-line.log +0 +0 +1 ' '$dir/out' && grep -Eq '^small.log +1 +1 +0 ' '$dir/out'"

# 6. Arguments are checked first; --help documents every option.
"$weft_logs" --help > "$dir/help" 2>&1; rc=$?
check "--help exits 0 and documents every option" \
  "[ $rc -eq 0 ] && grep -q -- '--processes' '$dir/help' && grep -q -- '--progress' '$dir/help' && grep -q -- '--help' '$dir/help'"
check "-h is --help" "\"$weft_logs\" -h | cmp -s - '$dir/help'"
for bad in "-p 0 $b" "-p -1 $b" "-p 4x $b" "-p 99999 $b" "--bogus $b" "" "$b $b"; do
  "$weft_logs" $bad > "$dir/out" 2> "$dir/err"; rc=$?
  check "bad usage '$bad' exits 2 with a message, counting nothing" \
    "[ $rc -eq 2 ] && [ -s '$dir/err' ] && ! [ -s '$dir/out' ]"
done
"$weft_logs" "$dir/nonexistent" > /dev/null 2> "$dir/err"; rc=$?
check "a missing directory exits 1 with its reason" "[ $rc -eq 1 ] && grep -q 'No such file' '$dir/err'"

# 7. Progress: only when asked (stderr here is not a terminal).
"$weft_logs" "$dir/logs" > /dev/null 2> "$dir/err"
check "no progress lines unless asked" "! grep -q 'files,.*MB read' '$dir/err'"
"$weft_logs" --progress "$dir/logs" > /dev/null 2> "$dir/err"
check "--progress reports files and bytes on stderr" "grep -Eq '^weft-logs: 12/12 files, [0-9.]+ MB read' '$dir/err'"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
