#!/usr/bin/env bash
# pool_logs_test.sh: weft-logs must count what the generator says it wrote.
#
# Course idea: the log-analysis case, checked end to end. The generator prints
# the true requests and unique IPs of every file it writes; weft-logs (a
# process pool, one file per task, results gathered by callbacks in the
# parent) must report exactly those, and the callbacks must have run in the
# parent. mk/pools.mk fills in the two paths when it copies this script into
# build/host/. Ends with the "N passed, N failed" line tools/testsuite.sh reads.
set -u
weft_logs=@WEFT_LOGS@
gen=@GEN@
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
pass=0; fail=0
check() { if eval "$2"; then pass=$((pass + 1)); echo "ok   $1"; else fail=$((fail + 1)); echo "FAIL $1"; fi; }

"$gen" "$dir/logs" --files 12 --lines 3000 --seed 7 | sort > "$dir/expected"
"$weft_logs" -p 3 "$dir/logs" > "$dir/out"; rc=$?
cat "$dir/out"
check "weft-logs exits 0" "[ $rc -eq 0 ]"
awk '/^access-/ { print $1, $2, $3 }' "$dir/out" | sort > "$dir/got"
check "per-file requests and unique IPs match the generator" "cmp -s '$dir/expected' '$dir/got'"
check "all 12 files reported" "[ \$(wc -l < '$dir/got') -eq 12 ]"
check "callbacks ran in the parent" \
  "grep -Eq 'collected by callbacks in pid ([0-9]+) \(this process: \1\)' '$dir/out'"
check "more than one worker process did the work" \
  "[ \$(awk '/^access-/ { print \$4 }' '$dir/out' | sort -u | wc -l) -gt 1 ]"

mkdir "$dir/bad" && echo "10.0.0.1 - -" > "$dir/bad/ok.log" && ln -s /nonexistent "$dir/bad/zz-missing.log"
"$weft_logs" -p 2 "$dir/bad" > "$dir/out2"; rc=$?
cat "$dir/out2"
check "an unreadable file fails only its own task" \
  "[ $rc -eq 1 ] && grep -q '^ok.log  *1  *1 ' '$dir/out2' && grep -q 'zz-missing.log  *failed: .*No such file' '$dir/out2'"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
