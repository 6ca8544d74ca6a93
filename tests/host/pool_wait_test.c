/*
 * pool_wait_test.c: wait() on many futures, as_completed, and the descriptor
 * an event loop waits on.
 *
 * Course idea: concurrent.futures.wait (FIRST_COMPLETED, FIRST_EXCEPTION,
 * ALL_COMPLETED, with a timeout) and as_completed, checked on futures this
 * file resolves itself (through future_exec.h, so the order is staged), then
 * on real pools: results collected through epoll with no thread waiting,
 * a done callback that submits more work while a wait is on, a queue
 * destroyed while its futures still run, and a timeout that expires just as
 * the future resolves.
 *
 * Read next: pool_features_test.c.
 */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <cmocka.h>

#include "future_exec.h"
#include "future_many.h"
#include "pool_os.h"
#include "pool_testutil.h"
#include "procpool.h"
#include "threadpool.h"

static void resolve_ok(struct future *f)
{
	assert_true(future_start(f));
	future_set_result(f, NULL, 0, NULL);
}

static void resolve_failed(struct future *f)
{
	assert_true(future_start(f));
	future_set_error(f, EDOM, "staged failure");
}

static bool readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	return poll(&p, 1, 0) == 1;
}

static void test_all_completed(void **state)
{
	(void)state;
	struct future *fs[4];
	bool done[4];
	for (int i = 0; i < 4; i++)
		fs[i] = future_create();
	resolve_ok(fs[0]);
	resolve_failed(fs[1]);
	assert_true(future_cancel(fs[2]));
	assert_int_equal(future_wait_many(fs, 4, FUTURE_ALL_COMPLETED, 20000000, done), ETIMEDOUT);
	assert_true(done[0] && done[1] && done[2] && !done[3]);
	resolve_ok(fs[3]);
	assert_int_equal(future_wait_many(fs, 4, FUTURE_ALL_COMPLETED, FUTURE_FOREVER, done), 0);
	assert_true(done[3]);
	assert_int_equal(future_wait_many(fs, 0, FUTURE_ALL_COMPLETED, 0, NULL), 0);
	for (int i = 0; i < 4; i++)
		future_release(fs[i]);
}

static void test_first_completed(void **state)
{
	(void)state;
	struct future *fs[3];
	bool done[3];
	for (int i = 0; i < 3; i++)
		fs[i] = future_create();
	assert_int_equal(future_wait_many(fs, 3, FUTURE_FIRST_COMPLETED, 0, done), ETIMEDOUT);
	assert_false(done[0] || done[1] || done[2]);
	resolve_ok(fs[1]);
	assert_int_equal(future_wait_many(fs, 3, FUTURE_FIRST_COMPLETED, FUTURE_FOREVER, done), 0);
	assert_true(!done[0] && done[1] && !done[2]);
	resolve_ok(fs[0]);
	resolve_ok(fs[2]);
	for (int i = 0; i < 3; i++)
		future_release(fs[i]);
}

/* Python counts a failure as an exception, not a cancellation. */
static void test_first_exception(void **state)
{
	(void)state;
	struct future *fs[3];
	bool done[3];
	for (int i = 0; i < 3; i++)
		fs[i] = future_create();
	resolve_ok(fs[0]);
	assert_true(future_cancel(fs[1]));
	assert_int_equal(future_wait_many(fs, 3, FUTURE_FIRST_EXCEPTION, 20000000, done), ETIMEDOUT);
	resolve_failed(fs[2]);
	assert_int_equal(future_wait_many(fs, 3, FUTURE_FIRST_EXCEPTION, FUTURE_FOREVER, done), 0);
	assert_true(done[2]);
	/* Without a failure it is ALL_COMPLETED. */
	struct future *ok[2] = { future_create(), future_create() };
	resolve_ok(ok[0]);
	assert_int_equal(future_wait_many(ok, 2, FUTURE_FIRST_EXCEPTION, 10000000, NULL), ETIMEDOUT);
	resolve_ok(ok[1]);
	assert_int_equal(future_wait_many(ok, 2, FUTURE_FIRST_EXCEPTION, 0, NULL), 0);
	for (int i = 0; i < 3; i++)
		future_release(fs[i]);
	future_release(ok[0]);
	future_release(ok[1]);
}

/* A future resolved by another thread just as the timeout expires: the
 * answer may go either way, but it must agree with `done`. */
static void *resolve_after_1ms(void *arg)
{
	sleep_ms(1);
	resolve_ok(arg);
	return NULL;
}

static void test_timeout_that_expires_exactly(void **state)
{
	(void)state;
	int won = 0;
	for (int round = 0; round < 100; round++) {
		struct future *f = future_create();
		pool_thread t;
		pool_thread_start(&t, resolve_after_1ms, f);
		bool done;
		int rc = future_wait_many(&f, 1, FUTURE_ALL_COMPLETED, 1000000, &done);
		if (rc == 0)
			assert_true(done);
		else
			assert_int_equal(rc, ETIMEDOUT);
		won += rc == 0;
		pool_thread_join(&t);
		assert_int_equal(future_wait_many(&f, 1, FUTURE_ALL_COMPLETED, INT64_MAX, &done), 0);
		future_release(f);
	}
	print_message("%d of 100 waits saw the resolution in time\n", won);
}

static void test_as_completed_in_resolution_order(void **state)
{
	(void)state;
	struct future *fs[3] = { future_create(), future_create(), future_create() };
	resolve_ok(fs[2]); /* before the queue exists: returned first, at once */
	struct future_queue *q = future_as_completed(fs, 3);
	assert_non_null(q);
	assert_int_equal(future_queue_waiting(q), 3);
	struct future *f = future_queue_next(q, 0);
	assert_ptr_equal(f, fs[2]);
	future_release(f);
	assert_null(future_queue_next(q, 5000000));
	assert_int_equal(errno, ETIMEDOUT);
	resolve_ok(fs[0]);
	resolve_failed(fs[1]);
	f = future_queue_next(q, FUTURE_FOREVER);
	assert_ptr_equal(f, fs[0]);
	future_release(f);
	f = future_queue_next(q, FUTURE_FOREVER);
	assert_ptr_equal(f, fs[1]);
	future_release(f);
	assert_null(future_queue_next(q, FUTURE_FOREVER)); /* nothing left: no hang */
	assert_int_equal(errno, ENOENT);
	future_queue_destroy(q);
	for (int i = 0; i < 3; i++)
		future_release(fs[i]);
}

/* ---- on real pools ---- */

static int square(const void *arg, size_t len, struct pool_bytes *out)
{
	(void)len;
	int64_t x;
	memcpy(&x, arg, sizeof x);
	if (x == 13)
		sleep_ms(50); /* finishes last */
	x *= x;
	return pool_bytes_append(out, &x, sizeof x);
}

/* An event loop: epoll on the queue's descriptor, no thread blocked in a wait. */
static void test_event_loop_collects_process_pool_results(void **state)
{
	(void)state;
	struct procpool *pp = procpool_create(2, 0);
	struct future_queue *q = future_queue_create();
	int ep = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event ev = { .events = EPOLLIN };
	assert_int_equal(epoll_ctl(ep, EPOLL_CTL_ADD, future_queue_fd(q), &ev), 0);
	assert_false(readable(future_queue_fd(q)));
	int64_t sum = 0, expect = 0;
	for (int64_t i = 10; i < 20; i++) {
		struct future *f = procpool_submit(pp, square, &i, sizeof i);
		assert_int_equal(future_queue_add(q, f), 0);
		future_release(f);
		expect += i * i;
	}
	int got = 0;
	while (got < 10) {
		assert_int_equal(epoll_wait(ep, &ev, 1, 10000), 1); /* a hang fails here */
		struct future *f;
		while ((f = future_queue_next(q, 0))) { /* drain what is ready */
			int64_t r;
			memcpy(&r, future_result(f), sizeof r);
			sum += r;
			got++;
			future_release(f);
		}
		assert_int_equal(errno, got == 10 ? ENOENT : ETIMEDOUT);
	}
	assert_int_equal(sum, expect);
	assert_false(readable(future_queue_fd(q)));
	close(ep);
	future_queue_destroy(q);
	procpool_destroy(pp);
}

/* Done callbacks submit more work while the main thread waits on the first
 * wave; then the queue is destroyed while the second wave still runs. */
static struct threadpool *tp;
static _Atomic(struct future *) second[8];
static _Atomic int executed;

static int slow_square(void *arg, void **result)
{
	sleep_ms(2);
	atomic_fetch_add(&executed, 1);
	*result = (void *)((intptr_t)arg * (intptr_t)arg);
	return 0;
}

static int submit_another(struct future *f, void *arg)
{
	(void)f;
	atomic_store(&second[(intptr_t)arg], threadpool_submit(tp, slow_square, arg));
	return 0;
}

static void test_callbacks_submit_while_waiting_and_queue_dies_early(void **state)
{
	(void)state;
	atomic_store(&executed, 0);
	tp = threadpool_create(2, 2);
	struct future *first[8];
	for (intptr_t i = 0; i < 8; i++) {
		first[i] = threadpool_submit(tp, slow_square, (void *)i);
		future_add_done_callback(first[i], submit_another, (void *)i);
	}
	assert_int_equal(future_wait_many(first, 8, FUTURE_ALL_COMPLETED, 10LL * 1000000000, NULL), 0);
	struct future *snd[8];
	for (int i = 0; i < 8; i++) {
		while (!(snd[i] = atomic_load(&second[i])))
			sleep_ms(1);
	}
	struct future_queue *q = future_as_completed(snd, 8);
	struct future *f = future_queue_next(q, FUTURE_FOREVER);
	assert_non_null(f);
	future_release(f);
	future_queue_destroy(q); /* the rest resolve later, into a dead queue */
	threadpool_destroy(tp);
	assert_int_equal(atomic_load(&executed), 16);
	for (int i = 0; i < 8; i++) {
		assert_int_equal(future_state(snd[i]), FUTURE_DONE);
		future_release(first[i]);
		future_release(snd[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_completed),
		cmocka_unit_test(test_first_completed),
		cmocka_unit_test(test_first_exception),
		cmocka_unit_test(test_timeout_that_expires_exactly),
		cmocka_unit_test(test_as_completed_in_resolution_order),
		cmocka_unit_test(test_event_loop_collects_process_pool_results),
		cmocka_unit_test(test_callbacks_submit_while_waiting_and_queue_dies_early),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
