/*
 * tests/host/cross/cmocka.h: the part of cmocka's interface the coroutine
 * suites use, for the builds where the real cmocka is not installed (the
 * AArch64 build run under qemu-user: Debian ships libcmocka for the host's
 * architecture only, unless the machine adds arm64 as a foreign one).
 *
 * Course idea: the same test source runs on every architecture the switch
 * exists for. The output has cmocka's summary lines, so tools/testsuite.sh
 * counts these cases like any other suite's. A failed assertion prints the
 * file and line and leaves the test with longjmp; the next test runs.
 *
 * Only what coro_test.c, gen_test.c, yieldloop_test.c and async_test.c call
 * is here; a
 * suite that needs more fails to compile, which is the honest outcome.
 */
#ifndef WEFT_CROSS_CMOCKA_H
#define WEFT_CROSS_CMOCKA_H

#include <fnmatch.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct CMUnitTest {
	const char *name;
	void (*fn)(void **state);
};
#define cmocka_unit_test(f) { #f, f }

static jmp_buf cmocka_lite_escape;
static int cmocka_lite_skipped;
static const char *cmocka_lite_filter; /* a glob: run only the tests it matches */

static inline void cmocka_set_test_filter(const char *glob) { cmocka_lite_filter = glob; }

static inline void cmocka_lite_fail(const char *file, int line, const char *what)
{
	printf("[  ERROR   ] --- %s\n[   LINE   ] --- %s:%d: error: Failure!\n", what, file, line);
	longjmp(cmocka_lite_escape, 1);
}

static inline void cmocka_lite_int(intmax_t a, intmax_t b, int want_equal, const char *file, int line)
{
	if ((a == b) != want_equal) {
		char what[96];
		snprintf(what, sizeof what, "%#jx %s %#jx", a, want_equal ? "!=" : "==", b);
		cmocka_lite_fail(file, line, what);
	}
}

#define assert_int_equal(a, b) cmocka_lite_int((intmax_t)(a), (intmax_t)(b), 1, __FILE__, __LINE__)
#define assert_ptr_equal(a, b) \
	cmocka_lite_int((intmax_t)(uintptr_t)(a), (intmax_t)(uintptr_t)(b), 1, __FILE__, __LINE__)
#define assert_ptr_not_equal(a, b) \
	cmocka_lite_int((intmax_t)(uintptr_t)(a), (intmax_t)(uintptr_t)(b), 0, __FILE__, __LINE__)
#define assert_true(c) ((c) ? (void)0 : cmocka_lite_fail(__FILE__, __LINE__, #c " is false"))
#define assert_false(c) ((c) ? cmocka_lite_fail(__FILE__, __LINE__, #c " is true") : (void)0)
#define assert_null(p) assert_true((p) == NULL)
#define assert_non_null(p) assert_true((p) != NULL)
#define assert_string_equal(a, b) \
	(strcmp((a), (b)) == 0 ? (void)0 : cmocka_lite_fail(__FILE__, __LINE__, "strings differ"))
#define fail_msg(...) (printf("ERROR: " __VA_ARGS__), printf("\n"), \
		       cmocka_lite_fail(__FILE__, __LINE__, "fail_msg"))
#define skip() (cmocka_lite_skipped = 1, longjmp(cmocka_lite_escape, 2))

#define cmocka_run_group_tests(tests, setup, teardown) \
	cmocka_lite_run(tests, sizeof(tests) / sizeof((tests)[0]))

static inline int cmocka_lite_run(const struct CMUnitTest *t, size_t n)
{
	volatile int passed = 0, failed = 0; /* they live across the longjmp */
	printf("[==========] Running %zu test(s).\n", n);
	for (volatile size_t i = 0; i < n; i++) {
		if (cmocka_lite_filter && fnmatch(cmocka_lite_filter, t[i].name, 0) != 0)
			continue;
		printf("[ RUN      ] %s\n", t[i].name);
		fflush(stdout);
		cmocka_lite_skipped = 0;
		int how = setjmp(cmocka_lite_escape);
		if (how == 0) {
			t[i].fn(NULL);
			passed++;
			printf("[       OK ] %s\n", t[i].name);
		} else if (how == 2) {
			printf("[  SKIPPED ] %s\n", t[i].name);
		} else {
			failed++;
			printf("[  FAILED  ] %s\n", t[i].name);
		}
		fflush(stdout);
	}
	printf("[==========] %zu test(s) run.\n[  PASSED  ] %d test(s).\n", n, passed);
	if (failed)
		printf("[  FAILED  ] %d test(s)\n", failed);
	return failed;
}

#endif
