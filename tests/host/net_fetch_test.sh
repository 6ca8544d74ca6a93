#!/usr/bin/env bash
# net_fetch_test: weft-fetch end to end against weft-httpd and bad servers.
#
# Both programs are the ASan+UBSan builds. Cases: argument errors fail with
# a message before any IO; 12 files arrive intact (cmp) serially, on the
# pool, as coroutines (--async) and in --compare's table; every failure
# (refused, reset, timeout, short body, 404) is reported for its own file
# while the rest complete (the per-file lines come from the last run of
# --compare, the async one), and no .part file is left behind; the server
# logs one line per request.
set -u
HTTPD=@HTTPD@
FETCH=@FETCH@
BAD=@BAD@
work=$(mktemp -d)
pass=0; fail=0
cleanup() { kill "$srv" "$bad" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
check() { # NAME CONDITION...
  local name=$1; shift
  if "$@"; then pass=$((pass + 1)); echo "ok   $name"; else fail=$((fail + 1)); echo "FAIL $name"; fi
}
mkdir -p "$work/www" "$work/out"
for i in $(seq 1 12); do head -c $((i * 70001)) /dev/urandom > "$work/www/f$i.bin"; done
"$HTTPD" --model event --port 0 --root "$work/www" --log > "$work/httpd.out" 2> "$work/httpd.log" & srv=$!
"$BAD" > "$work/bad.out" & bad=$!
for _ in $(seq 50); do [ -s "$work/httpd.out" ] && [ -s "$work/bad.out" ] && break; sleep 0.1; done
port=$(sed -n 's/.*:\([0-9]*\) model.*/\1/p' "$work/httpd.out")
read -r _ rport _ sport _ shport < "$work/bad.out"
urls=(); for i in $(seq 1 12); do urls+=("http://127.0.0.1:$port/f$i.bin"); done

"$FETCH" > /dev/null 2>&1; check "no arguments: exit 2" test $? -eq 2
"$FETCH" -o "$work/out" -j 0 "${urls[0]}" 2> "$work/err"; rc=$?
check "bad --jobs: exit 2 with a message" test $rc -eq 2 -a -s "$work/err"
"$FETCH" -o "$work/nodir" "${urls[0]}" 2> /dev/null; check "missing --out dir: exit 2" test $? -eq 2
"$FETCH" -o "$work/out" "ftp://x/y" 2> /dev/null; check "bad URL: exit 2" test $? -eq 2

"$FETCH" -o "$work/out" --serial "${urls[@]}" > "$work/serial.txt"; rc=$?
same=1; for i in $(seq 1 12); do cmp -s "$work/www/f$i.bin" "$work/out/f$i.bin" || same=0; done
check "serial: 12 files intact" test $rc -eq 0 -a $same -eq 1
rm -f "$work/out"/*
"$FETCH" -o "$work/out" -j 4 "${urls[@]}" > "$work/pool.txt"; rc=$?
same=1; for i in $(seq 1 12); do cmp -s "$work/www/f$i.bin" "$work/out/f$i.bin" || same=0; done
check "pool: 12 files intact" test $rc -eq 0 -a $same -eq 1
check "same hashes serially and on the pool" cmp -s "$work/serial.txt" "$work/pool.txt"
rm -f "$work/out"/*
"$FETCH" -o "$work/out" -j 5 --async "${urls[@]}" > "$work/async.txt"; rc=$?
same=1; for i in $(seq 1 12); do cmp -s "$work/www/f$i.bin" "$work/out/f$i.bin" || same=0; done
check "async: 12 files intact" test $rc -eq 0 -a $same -eq 1
check "same hashes async (hashed on the pool)" cmp -s "$work/serial.txt" "$work/async.txt"
check "one log line per request" test "$(grep -c '^GET /f[0-9]*.bin 200 ' "$work/httpd.log")" -eq 36
# The run ends when the last file is done, not at the progress task's next
# 100 ms tick: the fastest of five one-file runs is well under 100 ms (each
# took at least 100 ms when the progress task was left to wake by itself).
best=999999
for _ in 1 2 3 4 5; do
  t0=$(date +%s%N); "$FETCH" -o "$work/out" --async "${urls[0]}" > /dev/null; t1=$(date +%s%N)
  ms=$(( (t1 - t0) / 1000000 )); [ "$ms" -lt "$best" ] && best=$ms
done
check "async ends with its last file (fastest of 5: ${best} ms)" test "$best" -lt 90

"$FETCH" -o "$work/out" -j 4 -t 700 --compare "${urls[@]}" \
  "http://127.0.0.1:$rport/reset.bin" "http://127.0.0.1:$sport/silent.bin" \
  "http://127.0.0.1:$shport/short.bin" "http://127.0.0.1:$port/none.bin" > "$work/mixed.txt" 2>&1; rc=$?
cat "$work/mixed.txt"
check "failures make exit 1" test $rc -eq 1
check "reset reported" grep -q '^reset.bin reset ' "$work/mixed.txt"
check "timeout reported" grep -q '^silent.bin timeout ' "$work/mixed.txt"
check "short body reported" grep -q '^short.bin short body ' "$work/mixed.txt"
check "404 reported" grep -q '^none.bin HTTP 404 ' "$work/mixed.txt"
check "the rest completed" test "$(grep -c '^f[0-9]*.bin ok ' "$work/mixed.txt")" -eq 12
check "table has the pool row" grep -Eq '^pool\(4\) +16 +12 +4 ' "$work/mixed.txt"
check "table has the async row" grep -Eq '^async\(4\) +16 +12 +4 ' "$work/mixed.txt"
check "no .part files left" test -z "$(ls -A "$work/out" | grep part)"
"$FETCH" -o "$work/out" "http://127.0.0.1:1/x.bin" > "$work/refused.txt"
check "refused reported" grep -q '^x.bin refused ' "$work/refused.txt"
"$FETCH" -o "$work/out" --async "http://127.0.0.1:1/x.bin" > "$work/refused.txt"
check "refused reported (async)" grep -q '^x.bin refused ' "$work/refused.txt"
kill -TERM "$srv"; wait "$srv"; check "server exits 0" test $? -eq 0
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
