#!/usr/bin/env bash
# coro_asan_test.sh: AddressSanitizer is told about every stack switch, so
# it has nothing to warn about, even with fake stacks on.
#
# Course idea: a tool that watches memory assumes one stack per thread
# (lib/coro/coro_sanitize.c). Told nothing, ASan says so on stderr ("ASan is
# ignoring requested __asan_handle_no_return ... False positive error
# reports may follow") and carries on, so a suite that only counts its
# cases would pass. This runs the ASan builds of the coroutine suites with
# detect_stack_use_after_return=1 (every frame on a heap "fake stack", the
# mode that needs the switch's fake-stack handover) and fails on any
# sanitizer line in their own stderr. mk/coro.mk fills in @BUILD@.
set -u
pass=0 fail=0
for t in coro_test gen_test yieldloop_test async_test; do
  err=$(ASAN_OPTIONS=detect_stack_use_after_return=1 timeout 120 "@BUILD@/$t" 2>&1 >/dev/null)
  rc=$?
  if [ $rc -eq 0 ] && ! grep -qE 'WARNING: ASan|AddressSanitizer|runtime error' <<<"$err"; then
    echo "PASS $t: silent under ASan with fake stacks"; pass=$((pass + 1))
  else
    echo "FAIL $t (exit $rc):"; head -5 <<<"$err"; fail=$((fail + 1))
  fi
done
echo "coro-asan: $pass passed, $fail failed"
[ $fail -eq 0 ]
