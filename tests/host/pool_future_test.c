/*
 * pool_future_test.c: the future's states, waits, callbacks and cancel.
 *
 * Course idea: Future semantics, tested without any pool: this file plays the
 * executor itself through future_exec.h, so every race can be staged on
 * purpose (a waiter arriving just as the future resolves, a callback added
 * just as it resolves).
 *
 * Read next: pool_threadpool_test.c.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "future_exec.h"
#include "pool_os.h"
#include "pool_testutil.h"

static int append_digit(struct future *f, void *arg)
{
	(void)f;
	char *trace = arg;
	size_t n = strlen(trace);
	trace[n] = (char)('0' + n);
	return 0;
}

static int count_call(struct future *f, void *arg)
{
	(void)f;
	atomic_fetch_add((_Atomic int *)arg, 1);
	return 0;
}

static int fail_call(struct future *f, void *arg)
{
	(void)f;
	(void)arg;
	return 42;
}

static void test_state_names(void **state)
{
	(void)state;
	assert_string_equal(future_state_name[FUTURE_PENDING], "pending");
	assert_string_equal(future_state_name[FUTURE_FAILED], "failed");
}

static void test_wait_times_out_then_resolves(void **state)
{
	(void)state;
	struct future *f = future_create();
	assert_int_equal(future_wait(f, 0), ETIMEDOUT);
	int64_t t0 = pool_now_ns();
	assert_int_equal(future_wait(f, 20 * 1000000), ETIMEDOUT);
	assert_true(pool_now_ns() - t0 >= 20 * 1000000);
	assert_true(future_start(f));
	assert_int_equal(future_state(f), FUTURE_RUNNING);
	static int value = 7;
	future_set_result(f, &value, sizeof value, NULL);
	assert_int_equal(future_wait(f, FUTURE_FOREVER), 0);
	assert_ptr_equal(future_result(f), &value);
	assert_int_equal(future_result_len(f), sizeof value);
	assert_int_equal(future_error(f), 0);
	assert_string_equal(future_error_message(f), "");
	future_release(f);
}

static void *resolve_soon(void *arg)
{
	sleep_ms(20);
	future_start(arg);
	future_set_result(arg, NULL, 0, NULL);
	return NULL;
}

/* INT64_MAX nanoseconds is "for ever" too: the deadline must not overflow
 * (UBSan aborts on the signed overflow this once was). */
static void test_wait_int64_max_does_not_overflow(void **state)
{
	(void)state;
	struct future *f = future_create();
	pool_thread t;
	pool_thread_start(&t, resolve_soon, f);
	assert_int_equal(future_wait(f, INT64_MAX), 0);
	assert_int_equal(future_state(f), FUTURE_DONE);
	pool_thread_join(&t);
	assert_int_equal(future_wait(f, INT64_MAX), 0);
	future_release(f);
}

static void test_callbacks_in_order_and_late_ones_at_once(void **state)
{
	(void)state;
	char trace[8] = "";
	struct future *f = future_create();
	assert_int_equal(future_add_done_callback(f, append_digit, trace), 0);
	assert_int_equal(future_add_done_callback(f, append_digit, trace), 0);
	assert_string_equal(trace, ""); /* nothing runs before resolution */
	assert_true(future_start(f));
	future_set_result(f, NULL, 0, NULL);
	assert_string_equal(trace, "01");
	assert_int_equal(future_add_done_callback(f, append_digit, trace), 0);
	assert_string_equal(trace, "012"); /* added late: ran at once */
	future_release(f);
}

static void test_failing_callback_does_not_stop_others(void **state)
{
	(void)state;
	_Atomic int calls = 0;
	unsigned long failures = future_callback_failures();
	struct future *f = future_create();
	future_add_done_callback(f, fail_call, NULL);
	future_add_done_callback(f, count_call, &calls);
	assert_true(future_start(f));
	future_set_error(f, EDOM, "custom %s", "failure");
	assert_int_equal(calls, 1);
	assert_int_equal(future_callback_failures(), failures + 1);
	assert_int_equal(future_state(f), FUTURE_FAILED);
	assert_int_equal(future_error(f), EDOM);
	assert_string_equal(future_error_message(f), "custom failure");
	assert_null(future_result(f));
	future_release(f);
}

static void test_cancel_only_while_pending(void **state)
{
	(void)state;
	_Atomic int calls = 0;
	struct future *f = future_create();
	future_add_done_callback(f, count_call, &calls);
	assert_true(future_cancel(f));
	assert_int_equal(calls, 1);
	assert_false(future_cancel(f)); /* already final */
	assert_false(future_start(f));  /* an executor must now skip it */
	assert_int_equal(future_error(f), ECANCELED);
	future_release(f);

	struct future *g = future_create();
	assert_true(future_start(g));
	assert_false(future_cancel(g)); /* running: too late */
	future_set_result(g, NULL, 0, NULL);
	future_release(g);
}

static void test_double_resolution_aborts(void **state)
{
	(void)state;
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		fclose(stderr); /* the abort message is expected, not news */
		struct future *f = future_create();
		future_start(f);
		future_set_result(f, NULL, 0, NULL);
		future_set_result(f, NULL, 0, NULL);
		_exit(0);
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT);
}

/* The lost-wake-up race, staged many times: a thread resolves each future
 * while this one waits on it and adds a callback to it. */
#define RACE_ROUNDS 20000
static _Atomic(struct future *) race_futures[RACE_ROUNDS];

static void *resolver(void *arg)
{
	(void)arg;
	for (int i = 0; i < RACE_ROUNDS; i++) {
		struct future *f;
		while (!(f = atomic_load(&race_futures[i])))
			pool_yield();
		future_start(f);
		future_set_result(f, NULL, 0, NULL);
		future_release(f);
	}
	return NULL;
}

static void test_wait_and_callback_race(void **state)
{
	(void)state;
	for (int i = 0; i < RACE_ROUNDS; i++)
		atomic_store(&race_futures[i], NULL);
	_Atomic int calls = 0;
	pool_thread t;
	assert_int_equal(pool_thread_start(&t, resolver, NULL), 0);
	for (int i = 0; i < RACE_ROUNDS; i++) {
		struct future *f = future_create();
		future_retain(f); /* one for the resolver */
		atomic_store(&race_futures[i], f);
		future_add_done_callback(f, count_call, &calls);
		assert_int_equal(future_wait(f, 5LL * 1000000000), 0);
		future_release(f);
	}
	pool_thread_join(&t);
	assert_int_equal(calls, RACE_ROUNDS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_state_names),
		cmocka_unit_test(test_wait_times_out_then_resolves),
		cmocka_unit_test(test_wait_int64_max_does_not_overflow),
		cmocka_unit_test(test_callbacks_in_order_and_late_ones_at_once),
		cmocka_unit_test(test_failing_callback_does_not_stop_others),
		cmocka_unit_test(test_cancel_only_while_pending),
		cmocka_unit_test(test_double_resolution_aborts),
		cmocka_unit_test(test_wait_and_callback_race),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
