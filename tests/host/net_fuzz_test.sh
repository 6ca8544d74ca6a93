#!/usr/bin/env bash
# net_fuzz_test: run the parser's fuzz target for a bounded time (make test).
#
# FUZZ_TEST_SECONDS (default 15) bounds the run; a crash, a sanitizer report
# or a broken whole-versus-split oracle (net_fuzz.c) fails it, and the
# input is kept in build/fuzz/ for `net_fuzz FILE` to replay. The corpus
# grows in a scratch copy, so the checked-in seeds never change here.
set -u
fuzz=@FUZZ@
seeds=@SEEDS@
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
art=$(dirname "$fuzz")/
if timeout $(( ${FUZZ_TEST_SECONDS:-15} + 30 )) "$fuzz" -max_total_time="${FUZZ_TEST_SECONDS:-15}" \
	-max_len=4096 -artifact_prefix="$art" "$work" "$seeds" > "$work/log" 2>&1; then
  tail -1 "$work/log"
  echo "1 passed, 0 failed"
else
  tail -30 "$work/log"
  echo "0 passed, 1 failed"
  exit 1
fi
