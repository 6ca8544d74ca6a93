/*
 * pool_threadpool_test.c: the thread pool's contract, and stress on its races.
 *
 * Course idea: ThreadPoolExecutor's promises (submit, map, errors stay in
 * their future, shutdown with or without cancelling, back-pressure), each
 * checked by a case that would fail if the promise were broken. The stress
 * cases count threads before and after, and count how many times each
 * future's callback ran: exactly once, never zero, never twice.
 *
 * Read next: pool_procpool_test.c.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "pool_os.h"
#include "pool_testutil.h"
#include "threadpool.h"

static _Atomic int executed;

static int square(void *arg, void **result)
{
	intptr_t x = (intptr_t)arg;
	*result = (void *)(x * x);
	atomic_fetch_add(&executed, 1);
	return 0;
}

static int fail_if_odd(void *arg, void **result)
{
	atomic_fetch_add(&executed, 1);
	if ((intptr_t)arg % 2)
		return EDOM;
	*result = arg;
	return 0;
}

static int count_call(struct future *f, void *arg)
{
	(void)f;
	atomic_fetch_add((_Atomic int *)arg, 1);
	return 0;
}

static void test_submit_and_results(void **state)
{
	(void)state;
	struct threadpool *tp = threadpool_create(3, 0);
	assert_non_null(tp);
	struct future *fs[100];
	for (intptr_t i = 0; i < 100; i++)
		assert_non_null(fs[i] = threadpool_submit(tp, square, (void *)i));
	for (intptr_t i = 0; i < 100; i++) {
		assert_int_equal(future_wait(fs[i], FUTURE_FOREVER), 0);
		assert_int_equal(future_state(fs[i]), FUTURE_DONE);
		assert_int_equal((intptr_t)future_result(fs[i]), i * i);
		future_release(fs[i]);
	}
	threadpool_destroy(tp);
}

static void test_task_error_stays_in_its_future(void **state)
{
	(void)state;
	struct threadpool *tp = threadpool_create(1, 0); /* one worker must survive */
	struct future *bad = threadpool_submit(tp, fail_if_odd, (void *)1);
	struct future *good = threadpool_submit(tp, fail_if_odd, (void *)2);
	future_wait(bad, FUTURE_FOREVER);
	future_wait(good, FUTURE_FOREVER);
	assert_int_equal(future_state(bad), FUTURE_FAILED);
	assert_int_equal(future_error(bad), EDOM);
	assert_non_null(strstr(future_error_message(bad), "task returned error"));
	assert_int_equal(future_state(good), FUTURE_DONE);
	assert_int_equal((intptr_t)future_result(good), 2);
	future_release(bad);
	future_release(good);
	threadpool_destroy(tp);
}

static void test_map_keeps_order_and_reports_first_error(void **state)
{
	(void)state;
	struct threadpool *tp = threadpool_create(2, 0);
	void *args[50], *results[50];
	for (intptr_t i = 0; i < 50; i++)
		args[i] = (void *)(i * 2);
	assert_int_equal(threadpool_map(tp, fail_if_odd, args, results, 50), 0);
	for (intptr_t i = 0; i < 50; i++)
		assert_int_equal((intptr_t)results[i], i * 2);
	args[7] = (void *)7;
	assert_int_equal(threadpool_map(tp, fail_if_odd, args, results, 50), EDOM);
	assert_null(results[7]);
	assert_int_equal((intptr_t)results[8], 16);
	threadpool_destroy(tp);
}

static void test_submit_after_shutdown_is_an_error(void **state)
{
	(void)state;
	struct threadpool *tp = threadpool_create(2, 0);
	threadpool_shutdown(tp, true, false);
	errno = 0;
	assert_null(threadpool_submit(tp, square, NULL));
	assert_int_equal(errno, ESHUTDOWN);
	threadpool_shutdown(tp, true, true); /* a second shutdown is harmless */
	threadpool_destroy(tp);
}

/* ---- back-pressure: a gate the tasks wait on ---- */

static struct {
	pool_mutex lock;
	pool_cond changed;
	bool open;
	int started;
} gate;

static int wait_at_gate(void *arg, void **result)
{
	(void)arg;
	(void)result;
	pool_mutex_lock(&gate.lock);
	gate.started++;
	pool_cond_broadcast(&gate.changed);
	while (!gate.open)
		pool_cond_wait(&gate.changed, &gate.lock);
	pool_mutex_unlock(&gate.lock);
	return 0;
}

static void gate_reset(void)
{
	pool_mutex_init(&gate.lock);
	pool_cond_init(&gate.changed);
	gate.open = false;
	gate.started = 0;
}

static void gate_open(void)
{
	pool_mutex_lock(&gate.lock);
	gate.open = true;
	pool_cond_broadcast(&gate.changed);
	pool_mutex_unlock(&gate.lock);
}

static void gate_await_started(int n)
{
	pool_mutex_lock(&gate.lock);
	while (gate.started < n)
		pool_cond_wait(&gate.changed, &gate.lock);
	pool_mutex_unlock(&gate.lock);
}

static _Atomic int late_submit_errno = -1;

static void *submit_one_more(void *arg)
{
	struct future *f = threadpool_submit(arg, wait_at_gate, NULL);
	atomic_store(&late_submit_errno, f ? 0 : errno);
	if (f)
		future_release(f);
	return NULL;
}

static void test_bounded_queue_blocks_the_submitter(void **state)
{
	(void)state;
	gate_reset();
	struct threadpool *tp = threadpool_create(1, 2);
	struct future *fs[3];
	fs[0] = threadpool_submit(tp, wait_at_gate, NULL);
	gate_await_started(1);            /* the worker holds task 0 */
	fs[1] = threadpool_submit(tp, wait_at_gate, NULL);
	fs[2] = threadpool_submit(tp, wait_at_gate, NULL); /* queue now full */
	atomic_store(&late_submit_errno, -1);
	pool_thread t;
	pool_thread_start(&t, submit_one_more, tp);
	sleep_ms(50);
	assert_int_equal(atomic_load(&late_submit_errno), -1); /* still blocked */
	gate_open();
	pool_thread_join(&t);
	assert_int_equal(atomic_load(&late_submit_errno), 0);
	for (int i = 0; i < 3; i++) {
		future_wait(fs[i], FUTURE_FOREVER);
		assert_int_equal(future_state(fs[i]), FUTURE_DONE);
		future_release(fs[i]);
	}
	threadpool_destroy(tp);
}

static void test_shutdown_releases_a_blocked_submitter(void **state)
{
	(void)state;
	gate_reset();
	struct threadpool *tp = threadpool_create(1, 1);
	struct future *a = threadpool_submit(tp, wait_at_gate, NULL);
	gate_await_started(1);
	struct future *b = threadpool_submit(tp, wait_at_gate, NULL);
	atomic_store(&late_submit_errno, -1);
	pool_thread t;
	pool_thread_start(&t, submit_one_more, tp);
	sleep_ms(20);
	threadpool_shutdown(tp, false, true); /* cancels b, wakes the submitter */
	pool_thread_join(&t);
	assert_int_equal(atomic_load(&late_submit_errno), ESHUTDOWN);
	assert_int_equal(future_state(b), FUTURE_CANCELLED);
	gate_open();
	future_wait(a, FUTURE_FOREVER);
	assert_int_equal(future_state(a), FUTURE_DONE); /* a running task finishes */
	future_release(a);
	future_release(b);
	threadpool_destroy(tp);
}

/* Issue 14, bug 2: a done callback runs on the pool's only worker and submits
 * to the pool's full queue. Blocking there would wait for the very thread
 * that is blocked, so a submit from one of the pool's own workers never
 * waits for room (it may overfill the queue instead). */
static struct threadpool *full_pool;
static _Atomic(struct future *) from_callback;

static int submit_from_callback(struct future *f, void *arg)
{
	(void)f;
	(void)arg;
	atomic_store(&from_callback, threadpool_submit(full_pool, square, (void *)3));
	return 0;
}

static void test_callback_submits_to_its_full_bounded_pool(void **state)
{
	(void)state;
	gate_reset();
	atomic_store(&from_callback, NULL);
	full_pool = threadpool_create(1, 1);
	struct future *a = threadpool_submit(full_pool, wait_at_gate, NULL);
	gate_await_started(1);
	struct future *b = threadpool_submit(full_pool, square, (void *)2); /* queue full */
	future_add_done_callback(a, submit_from_callback, NULL);
	gate_open();
	assert_int_equal(future_wait(b, 10LL * 1000000000), 0); /* a hang fails here */
	struct future *c;
	while (!(c = atomic_load(&from_callback)))
		sleep_ms(1);
	assert_int_equal(future_wait(c, 10LL * 1000000000), 0);
	assert_int_equal((intptr_t)future_result(c), 9);
	future_release(a);
	future_release(b);
	future_release(c);
	threadpool_destroy(full_pool);
}

/* Issue 14, bug 3: workers take tasks in batches; shutdown(cancel_pending)
 * must still cancel every task in a batch that has not started. Both workers
 * are held on a first gate while 200 tasks queue; once released, each takes a
 * batch and stops at the second gate on its batch's first task. */
#define BATCHED 200
static struct {
	pool_mutex lock;
	pool_cond changed;
	int open, started;
} gate2;

static int wait_at_gate2(void *arg, void **result)
{
	(void)arg;
	(void)result;
	atomic_fetch_add(&executed, 1);
	pool_mutex_lock(&gate2.lock);
	gate2.started++;
	pool_cond_broadcast(&gate2.changed);
	while (!gate2.open)
		pool_cond_wait(&gate2.changed, &gate2.lock);
	pool_mutex_unlock(&gate2.lock);
	return 0;
}

static void test_shutdown_cancels_tasks_taken_in_a_batch(void **state)
{
	(void)state;
	gate_reset();
	pool_mutex_init(&gate2.lock);
	pool_cond_init(&gate2.changed);
	gate2.open = gate2.started = 0;
	atomic_store(&executed, 0);
	struct threadpool *tp = threadpool_create(2, 0);
	struct future *hold[2], *fs[BATCHED];
	for (int i = 0; i < 2; i++)
		hold[i] = threadpool_submit(tp, wait_at_gate, NULL);
	gate_await_started(2);
	for (int i = 0; i < BATCHED; i++)
		fs[i] = threadpool_submit(tp, wait_at_gate2, NULL);
	gate_open();
	pool_mutex_lock(&gate2.lock);
	while (gate2.started < 2)
		pool_cond_wait(&gate2.changed, &gate2.lock);
	pool_mutex_unlock(&gate2.lock);

	threadpool_shutdown(tp, false, true);
	int running = 0, cancelled = 0;
	for (int i = 0; i < BATCHED; i++) {
		running += future_state(fs[i]) == FUTURE_RUNNING;
		cancelled += future_state(fs[i]) == FUTURE_CANCELLED;
	}
	assert_int_equal(running, 2);
	assert_int_equal(cancelled, BATCHED - 2); /* at once, not later */
	pool_mutex_lock(&gate2.lock);
	gate2.open = 1;
	pool_cond_broadcast(&gate2.changed);
	pool_mutex_unlock(&gate2.lock);
	threadpool_destroy(tp);
	assert_int_equal(atomic_load(&executed), 2);
	for (int i = 0; i < 2; i++)
		future_release(hold[i]);
	for (int i = 0; i < BATCHED; i++)
		future_release(fs[i]);
}

/* ---- stress ---- */

#define PENDING_TASKS 10000

static int slowish(void *arg, void **result)
{
	atomic_fetch_add(&executed, 1);
	if ((intptr_t)arg < 2)
		return wait_at_gate(arg, result); /* hold both workers at first */
	if ((intptr_t)arg % 1000 == 0)
		sleep_ms(1);
	return 0;
}

/* Both workers are held at the gate while 10,000 tasks queue up behind them;
 * then the pool is shut down, cancelling the queue or draining it. */
static void shutdown_with_pending(bool cancel_pending)
{
	int threads_before = count_threads();
	static struct future *fs[PENDING_TASKS];
	static _Atomic int calls[PENDING_TASKS];
	atomic_store(&executed, 0);
	gate_reset();
	struct threadpool *tp = threadpool_create(2, 0);
	assert_int_equal(count_threads(), threads_before + 2);
	for (intptr_t i = 0; i < PENDING_TASKS; i++) {
		atomic_store(&calls[i], 0);
		fs[i] = threadpool_submit(tp, slowish, (void *)i);
		assert_non_null(fs[i]);
		future_add_done_callback(fs[i], count_call, &calls[i]);
		if (i == 1) /* a queue of at most 2 is taken one task at a time */
			gate_await_started(2);
	}
	if (cancel_pending)
		threadpool_shutdown(tp, false, true);
	gate_open();
	threadpool_shutdown(tp, true, false);
	assert_int_equal(count_threads(), threads_before); /* all joined */
	int done = 0, cancelled = 0;
	for (int i = 0; i < PENDING_TASKS; i++) {
		assert_true(future_resolved(fs[i]));
		assert_int_equal(atomic_load(&calls[i]), 1);
		done += future_state(fs[i]) == FUTURE_DONE;
		cancelled += future_state(fs[i]) == FUTURE_CANCELLED;
		future_release(fs[i]);
	}
	assert_int_equal(done + cancelled, PENDING_TASKS);
	assert_int_equal(done, atomic_load(&executed)); /* cancelled ones never ran */
	assert_int_equal(done, cancel_pending ? 2 : PENDING_TASKS);
	threadpool_destroy(tp);
}

static void test_shutdown_cancels_10000_pending(void **state)
{
	(void)state;
	shutdown_with_pending(true);
}

static void test_shutdown_drains_10000_pending(void **state)
{
	(void)state;
	shutdown_with_pending(false);
}

/* One thread submits while another cancels every third future it can: each
 * future must end DONE (ran once) or CANCELLED (never ran). */
#define RACE_TASKS 20000
static _Atomic(struct future *) race_fs[RACE_TASKS];

static void *canceller(void *arg)
{
	(void)arg;
	for (int i = 0; i < RACE_TASKS; i += 3) {
		struct future *f;
		while (!(f = atomic_load(&race_fs[i])))
			pool_yield();
		future_cancel(f);
	}
	return NULL;
}

static void test_cancel_race(void **state)
{
	(void)state;
	atomic_store(&executed, 0);
	struct threadpool *tp = threadpool_create(2, 0);
	for (int i = 0; i < RACE_TASKS; i++)
		atomic_store(&race_fs[i], NULL);
	pool_thread t;
	pool_thread_start(&t, canceller, NULL);
	for (intptr_t i = 0; i < RACE_TASKS; i++)
		atomic_store(&race_fs[i], threadpool_submit(tp, square, (void *)i));
	pool_thread_join(&t);
	int done = 0, cancelled = 0;
	for (int i = 0; i < RACE_TASKS; i++) {
		struct future *f = atomic_load(&race_fs[i]);
		future_wait(f, FUTURE_FOREVER);
		done += future_state(f) == FUTURE_DONE;
		cancelled += future_state(f) == FUTURE_CANCELLED;
		if (i % 3)
			assert_int_equal(future_state(f), FUTURE_DONE);
		future_release(f);
	}
	threadpool_destroy(tp);
	assert_int_equal(done + cancelled, RACE_TASKS);
	assert_int_equal(done, atomic_load(&executed));
}

static int failing_callback(struct future *f, void *arg)
{
	(void)f;
	(void)arg;
	return -1;
}

/* A callback runs on a worker; it may submit more work to the same pool. */
static struct threadpool *chain_pool;
static _Atomic int chain_calls;
static int resubmit(struct future *f, void *arg)
{
	(void)f;
	(void)arg;
	if (atomic_fetch_add(&chain_calls, 1) < 100) {
		struct future *g = threadpool_submit(chain_pool, square, NULL);
		if (g) {
			future_add_done_callback(g, resubmit, NULL);
			future_release(g);
		}
	}
	return 0;
}

static void test_callbacks_fail_or_resubmit_safely(void **state)
{
	(void)state;
	unsigned long failures = future_callback_failures();
	chain_pool = threadpool_create(2, 0);
	atomic_store(&chain_calls, 0);
	struct future *f = threadpool_submit(chain_pool, square, NULL);
	future_add_done_callback(f, failing_callback, NULL);
	future_add_done_callback(f, resubmit, NULL);
	future_release(f);
	while (atomic_load(&chain_calls) <= 100)
		sleep_ms(1);
	threadpool_destroy(chain_pool);
	assert_int_equal(future_callback_failures(), failures + 1);
	assert_int_equal(atomic_load(&chain_calls), 101);
}

static void *submitter(void *arg)
{
	for (int i = 0; i < 5000; i++) {
		struct future *f = threadpool_submit(arg, square, (void *)(intptr_t)i);
		future_wait(f, FUTURE_FOREVER);
		if ((intptr_t)future_result(f) != (intptr_t)i * i)
			abort();
		future_release(f);
	}
	return NULL;
}

static void test_many_submitters(void **state)
{
	(void)state;
	struct threadpool *tp = threadpool_create(2, 8);
	pool_thread t[4];
	for (int i = 0; i < 4; i++)
		pool_thread_start(&t[i], submitter, tp);
	for (int i = 0; i < 4; i++)
		pool_thread_join(&t[i]);
	threadpool_shutdown(tp, false, false); /* destroy joins */
	threadpool_destroy(tp);
}

/* Submit, wait, repeat: every submit finds the worker asleep or nearly so,
 * which is where a lost wake-up would show (as a timeout). */
static void test_ping_pong_never_loses_a_wakeup(void **state)
{
	(void)state;
	struct threadpool *tp = threadpool_create(1, 0);
	for (intptr_t i = 0; i < 20000; i++) {
		struct future *f = threadpool_submit(tp, square, (void *)i);
		assert_int_equal(future_wait(f, 5LL * 1000000000), 0);
		future_release(f);
		if (i % 1000 == 0)
			sleep_ms(1); /* let the worker fall properly asleep now and then */
	}
	threadpool_destroy(tp);
}

/* Submitters race shutdown: each submit either fails with ESHUTDOWN or
 * returns a future that then completes; none may be stranded in the queue. */
#define RACERS 4
static struct threadpool *race_pool;
static _Atomic long race_accepted;

static void *submit_until_refused(void *arg)
{
	long *accepted = arg;
	for (;;) {
		struct future *f = threadpool_submit(race_pool, square, NULL);
		if (!f) {
			if (errno != ESHUTDOWN)
				abort();
			return NULL;
		}
		if (future_wait(f, 10LL * 1000000000) != 0 || future_state(f) != FUTURE_DONE)
			abort(); /* stranded: the push landed after the workers left */
		future_release(f);
		++*accepted;
		atomic_fetch_add(&race_accepted, 1);
	}
}

static void test_submit_races_shutdown(void **state)
{
	(void)state;
	for (int round = 0; round < 20; round++) {
		race_pool = threadpool_create(2, 0);
		pool_thread t[RACERS];
		long accepted[RACERS] = { 0 };
		atomic_store(&race_accepted, 0);
		for (int i = 0; i < RACERS; i++)
			pool_thread_start(&t[i], submit_until_refused, &accepted[i]);
		while (atomic_load(&race_accepted) < 100) /* the race is on */
			pool_yield();
		threadpool_shutdown(race_pool, true, false);
		long total = 0;
		for (int i = 0; i < RACERS; i++) {
			pool_thread_join(&t[i]);
			total += accepted[i];
		}
		assert_int_equal(total, atomic_load(&race_accepted));
		threadpool_destroy(race_pool);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_submit_and_results),
		cmocka_unit_test(test_task_error_stays_in_its_future),
		cmocka_unit_test(test_map_keeps_order_and_reports_first_error),
		cmocka_unit_test(test_submit_after_shutdown_is_an_error),
		cmocka_unit_test(test_bounded_queue_blocks_the_submitter),
		cmocka_unit_test(test_shutdown_releases_a_blocked_submitter),
		cmocka_unit_test(test_callback_submits_to_its_full_bounded_pool),
		cmocka_unit_test(test_shutdown_cancels_tasks_taken_in_a_batch),
		cmocka_unit_test(test_shutdown_cancels_10000_pending),
		cmocka_unit_test(test_shutdown_drains_10000_pending),
		cmocka_unit_test(test_cancel_race),
		cmocka_unit_test(test_callbacks_fail_or_resubmit_safely),
		cmocka_unit_test(test_many_submitters),
		cmocka_unit_test(test_ping_pong_never_loses_a_wakeup),
		cmocka_unit_test(test_submit_races_shutdown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
