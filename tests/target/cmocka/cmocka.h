/*
 * cmocka.h, weft's: the part of cmocka's API that lib/coro's host suites
 * use, so that the same files (tests/host/coro_test.c, gen_test.c,
 * yieldloop_test.c, async_test.c) run on weft, in user mode, unchanged.
 *
 * Course idea: a library that claims to be portable is tested on each
 * system from one source. cmocka is not on the board; these few macros
 * are (mk/coro.mk puts this folder first on the include path of the weft
 * builds of the suites only). The runner is tests/target/cmocka_weft.c.
 *
 * What it keeps from cmocka: one case per function, run in the order
 * listed; an assertion that fails ends its case at once (a longjmp back to
 * the runner, as cmocka does, also from inside a coroutine: that
 * coroutine is abandoned); skip() ends a case as skipped; the output has
 * one line per case and one summary line, "NAME: N passed, N failed,
 * N skipped" (a skipped case is named with its reason).
 * What it leaves out: setup and teardown functions (none of the suites has
 * them), mocks, and cmocka's own fork-free death handling (the suites fork
 * for that themselves: coro_testutil.h).
 *
 * The suite's own `int main(void)` is renamed weft_cmocka_main by the
 * macro below; the runner's main() calls it, after looking at argv for the
 * death-test child's part (coro_testutil.h).
 */
#ifndef WEFT_CMOCKA_SHIM_H
#define WEFT_CMOCKA_SHIM_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct CMUnitTest {
    const char *name;
    void (*test_func)(void **state);
};

#define cmocka_unit_test(f) { #f, f }

/* Run every case of tests[0..n); returns the number that failed. */
int weft_cmocka_run(const struct CMUnitTest *tests, size_t n);
#define cmocka_run_group_tests(tests, setup, teardown) \
    ((void)(setup), (void)(teardown), weft_cmocka_run(tests, sizeof(tests) / sizeof((tests)[0])))

/* Only the case whose name is exactly `name` runs (cmocka takes a glob). */
void cmocka_set_test_filter(const char *name);

void weft_cmocka_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 3, 4)));
void weft_cmocka_skip(const char *file, int line, const char *why) __attribute__((noreturn));

#define fail_msg(...) weft_cmocka_fail(__FILE__, __LINE__, __VA_ARGS__)
#define fail() fail_msg("fail()")
/* weft's own: skip with the reason, printed beside the case's name. */
#define skip_because(why) weft_cmocka_skip(__FILE__, __LINE__, why)
#define skip() skip_because("skip()")

/* Values are compared as 64-bit integers and printed as longs (newlib-nano's
 * printf has no %lld): enough to find the line, which is printed too. */
#define assert_true(c) ((c) ? (void)0 : fail_msg("%s is false", #c))
#define assert_false(c) (!(c) ? (void)0 : fail_msg("%s is true", #c))
#define assert_null(p) ((p) == NULL ? (void)0 : fail_msg("%s is not NULL", #p))
#define assert_non_null(p) ((p) != NULL ? (void)0 : fail_msg("%s is NULL", #p))
#define assert_int_equal(a, b) \
    do { \
        long long a_ = (long long)(a), b_ = (long long)(b); \
        if (a_ != b_) \
            fail_msg("%s == %ld, expected %s == %ld", #a, (long)a_, #b, (long)b_); \
    } while (0)
#define assert_int_not_equal(a, b) \
    do { \
        if ((long long)(a) == (long long)(b)) \
            fail_msg("%s == %s == %ld", #a, #b, (long)(a)); \
    } while (0)
#define assert_ptr_equal(a, b) \
    ((const void *)(a) == (const void *)(b) ? (void)0 \
     : fail_msg("%s == %p, expected %p", #a, (const void *)(a), (const void *)(b)))
#define assert_ptr_not_equal(a, b) \
    ((const void *)(a) != (const void *)(b) ? (void)0 : fail_msg("%s == %s", #a, #b))
#define assert_string_equal(a, b) \
    (strcmp((const char *)(a), (const char *)(b)) == 0 ? (void)0 \
     : fail_msg("\"%s\" != \"%s\"", (const char *)(a), (const char *)(b)))

#ifndef WEFT_CMOCKA_RUNNER
#define main weft_cmocka_main
#endif

#endif
