/*
 * async_test.c: the async runtime of lib/coro/async.h on the stackful
 * coroutines: the loop's order, futures and their callbacks, timers on a
 * fake clock, gather, wait_for, cancellation, descriptors through epoll,
 * and work handed to lib/pool's thread pool (this suite also runs under
 * TSan for that).
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../lib/coro/async.h"
#include "../../lib/coro/async_internal.h" /* the loop's steps, white-box */
#include "../../lib/coro/async_pool.h"
#include "coro_testutil.h" /* pipe2 on weft */
#include "async_fake.h"     /* fake_loop(): timers without waiting */

static char trace[256];
static void mark(const char *s) { strncat(trace, s, sizeof trace - strlen(trace) - 1); }

/* ---- Order ---- */

static int stepper(struct async_task *self, void *arg, void **result)
{
	const char *letters = arg;
	for (; *letters; letters++) {
		char s[2] = { *letters, 0 };
		mark(s);
		async_sleep(self, 0);
	}
	*result = (void *)letters;
	return 0;
}

static void test_tasks_start_in_spawn_order_and_interleave_at_each_await(void **state)
{
	(void)state;
	trace[0] = 0;
	struct async_loop *loop = fake_loop();
	struct async_task *a = async_spawn(loop, "a", stepper, "ACE");
	struct async_task *b = async_spawn(loop, "b", stepper, "BD");
	assert_int_equal(async_run(loop), 0);
	assert_string_equal(trace, "ABCDE");
	assert_int_equal(afuture_state(async_task_future(a)), AF_DONE);
	assert_int_equal(*(char *)afuture_result(async_task_future(b)), 0);
	afuture_release(async_task_future(a));
	afuture_release(async_task_future(b));
	async_loop_destroy(loop);
}

static struct async_loop *order_loop;
static void note(void *arg) { mark(arg); }
static void note_and_queue(void *arg)
{
	mark(arg);
	async_call_soon(order_loop, note, "[next]");
}

static void test_an_iteration_runs_due_timers_then_the_calls_ready_before_it(void **state)
{
	(void)state;
	trace[0] = 0;
	struct async_loop *loop = order_loop = fake_loop();
	struct async_timer late = { 0 }, due = { 0 }, due2 = { 0 };
	async_call_soon(loop, note_and_queue, "[call]");
	async_timer_arm(loop, &late, fake_now + 5, note, "[late]");
	async_timer_arm(loop, &due, fake_now, note, "[due]");
	async_timer_arm(loop, &due2, fake_now, note, "[due2]");
	async_loop_iterate(loop);
	/* step 2 before step 3, FIFO among equal deadlines, and a call queued
	 * in step 3 waits; step 4 did not sleep, since a call was ready */
	assert_string_equal(trace, "[due][due2][call]");
	assert_int_equal(async_now(loop), 1000 * ASYNC_S);
	async_loop_iterate(loop);
	assert_string_equal(trace, "[due][due2][call][next]");
	async_loop_iterate(loop); /* nothing ready: step 4 sleeps exactly until the timer */
	async_loop_iterate(loop);
	assert_string_equal(trace, "[due][due2][call][next][late]");
	assert_int_equal(async_now(loop), 1000 * ASYNC_S + 5);
	async_loop_destroy(loop);
}

/* ---- Futures and their callbacks ---- */

static int calls;
static void count_call(struct afuture *f, void *arg)
{
	(void)f;
	calls++;
	mark(arg);
}

static void test_each_done_callback_runs_exactly_once_on_the_loop(void **state)
{
	(void)state;
	trace[0] = 0;
	calls = 0;
	struct async_loop *loop = fake_loop();
	struct afuture *f = afuture_create(loop);
	afuture_add_callback(f, count_call, "1");
	afuture_add_callback(f, count_call, "2");
	afuture_add_callback(f, count_call, "x");
	assert_true(afuture_remove_callback(f, count_call, "x"));
	assert_true(afuture_set_result(f, "r"));
	assert_int_equal(calls, 0); /* never inside the code that resolved it */
	assert_false(afuture_set_result(f, "again"));
	assert_false(afuture_set_error(f, -EIO));
	assert_false(afuture_cancel(f));
	afuture_add_callback(f, count_call, "3"); /* late: queued at once */
	async_loop_iterate(loop);
	async_loop_iterate(loop);
	assert_int_equal(calls, 3);
	assert_string_equal(trace, "123");
	assert_string_equal(afuture_result(f), "r");
	assert_string_equal(afuture_state_name[afuture_state(f)], "done");
	afuture_release(f);
	async_loop_destroy(loop);
}

static int fails(struct async_task *self, void *arg, void **result)
{
	(void)self, (void)result;
	return (int)(intptr_t)arg;
}

static int awaits_arg(struct async_task *self, void *arg, void **result)
{
	return async_await(self, arg, result);
}

static void test_results_and_errors_travel_through_futures(void **state)
{
	(void)state;
	struct async_loop *loop = fake_loop();
	struct async_task *bad = async_spawn(loop, "bad", fails, (void *)(intptr_t)-EIO);
	struct async_task *waiter = async_spawn(loop, "waiter", awaits_arg, async_task_future(bad));
	struct afuture *plain = afuture_create(loop);
	struct async_task *w2 = async_spawn(loop, "w2", awaits_arg, plain);
	async_run_until(loop, async_task_future(waiter));
	assert_int_equal(afuture_state(async_task_future(bad)), AF_FAILED);
	assert_int_equal(afuture_error(async_task_future(bad)), -EIO);
	assert_int_equal(afuture_error(async_task_future(waiter)), -EIO);
	afuture_set_result(plain, "value");
	assert_int_equal(async_run(loop), 0);
	assert_string_equal(afuture_result(async_task_future(w2)), "value");
	afuture_release(plain);
	afuture_release(async_task_future(bad));
	afuture_release(async_task_future(waiter));
	afuture_release(async_task_future(w2));
	async_loop_destroy(loop);
}

/* ---- Timers ---- */

struct sleeper { uint64_t ms; const char *tag; uint64_t woke; };

static int sleeps(struct async_task *self, void *arg, void **result)
{
	(void)result;
	struct sleeper *s = arg;
	int r = async_sleep(self, s->ms * ASYNC_MS);
	s->woke = async_now(async_task_loop(self));
	mark(s->tag);
	return r;
}

static void test_timers_wake_in_deadline_order_and_on_time(void **state)
{
	(void)state;
	trace[0] = 0;
	struct async_loop *loop = fake_loop();
	uint64_t t0 = fake_now;
	struct sleeper s[] = { { 30, "a", 0 }, { 10, "b", 0 }, { 20, "c", 0 }, { 10, "d", 0 }, { 0, "e", 0 } };
	struct async_task *t[5];
	for (int i = 0; i < 5; i++)
		t[i] = async_spawn(loop, s[i].tag, sleeps, &s[i]);
	assert_int_equal(async_run(loop), 0);
	assert_string_equal(trace, "ebdca");
	for (int i = 0; i < 5; i++) {
		assert_int_equal(s[i].woke - t0, s[i].ms * ASYNC_MS); /* exactly on time */
		afuture_release(async_task_future(t[i]));
	}
	async_loop_destroy(loop);
}

/* ---- gather, wait_for, cancellation ---- */

struct gatherer { struct afuture *fs[3]; };

static int gathers(struct async_task *self, void *arg, void **result)
{
	(void)result;
	struct gatherer *g = arg;
	return async_gather(self, g->fs, 3);
}

static void test_gather_waits_for_all_and_reports_the_first_error_in_order(void **state)
{
	(void)state;
	trace[0] = 0;
	struct async_loop *loop = fake_loop();
	struct sleeper s[] = { { 5, "1", 0 }, { 1, "2", 0 } };
	struct async_task *a = async_spawn(loop, "a", sleeps, &s[0]);
	struct async_task *b = async_spawn(loop, "b", sleeps, &s[1]);
	struct async_task *c = async_spawn(loop, "c", fails, (void *)(intptr_t)-EPIPE);
	struct gatherer g = { { async_task_future(a), async_task_future(b), async_task_future(c) } };
	struct async_task *all = async_spawn(loop, "all", gathers, &g);
	assert_int_equal(async_run(loop), 0);
	assert_string_equal(trace, "21");
	assert_int_equal(afuture_error(async_task_future(all)), -EPIPE);
	assert_int_equal(s[0].woke - s[1].woke, 4 * ASYNC_MS);
	for (int i = 0; i < 3; i++)
		afuture_release(g.fs[i]);
	afuture_release(async_task_future(all));
	async_loop_destroy(loop);
}

struct timed { struct afuture *f; uint64_t timeout_ms; int r; uint64_t at; };

static int waits_for(struct async_task *self, void *arg, void **result)
{
	struct timed *w = arg;
	w->r = async_wait_for(self, w->f, w->timeout_ms * ASYNC_MS, result);
	w->at = async_now(async_task_loop(self));
	return 0;
}

static void test_wait_for_times_out_and_cancels_the_slow_task(void **state)
{
	(void)state;
	trace[0] = 0;
	struct async_loop *loop = fake_loop();
	uint64_t t0 = fake_now;
	struct sleeper slow = { 100, "slow", 0 };
	struct async_task *t = async_spawn(loop, "slow", sleeps, &slow);
	struct timed w = { async_task_future(t), 10, 0, 0 };
	struct async_task *wt = async_spawn(loop, "wait_for", waits_for, &w);
	struct sleeper quick = { 3, "quick", 0 };
	struct async_task *q = async_spawn(loop, "quick", sleeps, &quick);
	struct timed w2 = { async_task_future(q), 10, 1, 0 };
	struct async_task *wt2 = async_spawn(loop, "wait_for2", waits_for, &w2);
	assert_int_equal(async_run(loop), 0);
	assert_int_equal(w.r, -ETIMEDOUT);
	assert_int_equal(w.at - t0, 10 * ASYNC_MS);
	assert_int_equal(afuture_state(async_task_future(t)), AF_CANCELLED); /* its sleep said -ECANCELED */
	assert_int_equal(slow.woke - t0, 10 * ASYNC_MS);
	assert_int_equal(w2.r, 0);
	assert_int_equal(w2.at - t0, 3 * ASYNC_MS);
	afuture_release(async_task_future(t));
	afuture_release(async_task_future(wt));
	afuture_release(async_task_future(q));
	afuture_release(async_task_future(wt2));
	async_loop_destroy(loop);
}

static int busy_then_awaits(struct async_task *self, void *arg, void **result)
{
	(void)result;
	struct afuture *never = arg;
	mark("run;");
	async_task_cancel(self); /* asked while running: nothing happens yet */
	mark("still;");
	int r = async_await(self, never, NULL); /* delivered here, at once */
	mark(r == -ECANCELED ? "cancelled;" : "?;");
	r = async_sleep(self, 0); /* only once */
	mark(r == 0 ? "slept;" : "?;");
	r = async_await(self, never, NULL); /* cancelled from outside while blocked */
	mark(r == -ECANCELED ? "cancelled;" : "?;");
	return r;
}

static void test_cancellation_is_delivered_at_the_next_await_once(void **state)
{
	(void)state;
	trace[0] = 0;
	struct async_loop *loop = fake_loop();
	struct afuture *never = afuture_create(loop);
	struct async_task *t = async_spawn(loop, "t", busy_then_awaits, never);
	async_loop_iterate(loop);
	async_loop_iterate(loop);
	async_loop_iterate(loop);
	assert_string_equal(trace, "run;still;cancelled;slept;");
	assert_int_equal(async_run(loop), -EDEADLK); /* nobody will resolve `never` */
	assert_true(afuture_cancel(async_task_future(t)));
	assert_int_equal(async_run(loop), 0);
	assert_string_equal(trace, "run;still;cancelled;slept;cancelled;");
	assert_int_equal(afuture_state(async_task_future(t)), AF_CANCELLED);
	assert_false(async_task_cancel(t)); /* finished: nothing to cancel */
	assert_int_equal(afuture_state(never), AF_PENDING);
	afuture_release(never);
	afuture_release(async_task_future(t));
	async_loop_destroy(loop);
}

/* ---- Descriptors, on epoll and the real clock ---- */

struct pipe_io { int rd, wr; char got[16]; int r; };

static int reader(struct async_task *self, void *arg, void **result)
{
	(void)result;
	struct pipe_io *p = arg;
	mark("wait;");
	p->r = async_readable(self, p->rd);
	ssize_t n = read(p->rd, p->got, sizeof p->got - 1);
	p->got[n > 0 ? n : 0] = 0;
	mark("read;");
	return 0;
}

static int writer(struct async_task *self, void *arg, void **result)
{
	(void)result;
	struct pipe_io *p = arg;
	async_sleep(self, 2 * ASYNC_MS);
	mark("write;");
	return write(p->wr, "hello", 5) == 5 ? 0 : -EIO;
}

/* Runs task a then task b (in spawn order) on loop to the end. */
static void run_pair(struct async_loop *loop, async_fn a, void *aa, async_fn b, void *ba)
{
	struct async_task *ta = async_spawn(loop, "a", a, aa), *tb = async_spawn(loop, "b", b, ba);
	assert_int_equal(async_run(loop), 0);
	afuture_release(async_task_future(ta));
	afuture_release(async_task_future(tb));
}

static void test_a_task_waits_for_a_pipe_while_another_writes_it(void **state)
{
	(void)state;
	trace[0] = 0;
	struct async_loop *loop = async_loop_create(NULL, NULL);
	assert_non_null(loop);
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	struct pipe_io p = { fds[0], fds[1], "", -1 };
	run_pair(loop, reader, &p, writer, &p);
	assert_string_equal(trace, "wait;write;read;");
	assert_int_equal(p.r, 0);
	assert_string_equal(p.got, "hello");
	close(fds[0]);
	close(fds[1]);
	async_loop_destroy(loop);
}

/* Another task closes the descriptor a reader awaits. epoll forgets a
 * closed descriptor without a word, so a plain close() would leave the
 * reader waiting for ever; async_close() wakes it, and its read then says
 * EBADF (weft's poll says POLLNVAL: the same outcome). */
struct close_under { struct async_loop *loop; int fd, closed; };

static int closer(struct async_task *self, void *arg, void **result)
{
	(void)result;
	struct close_under *c = arg;
	async_sleep(self, 2 * ASYNC_MS);
	mark("close;");
	c->closed = async_close(c->loop, c->fd);
	return 0;
}

static void test_a_descriptor_closed_under_its_waiter_wakes_it(void **state)
{
	(void)state;
	trace[0] = 0;
	struct async_loop *loop = async_loop_create(NULL, NULL);
	assert_non_null(loop);
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	struct pipe_io p = { fds[0], fds[1], "", -1 };
	struct close_under c = { loop, fds[0], -1 };
	run_pair(loop, reader, &p, closer, &c);
	assert_string_equal(trace, "wait;close;read;");
	assert_int_equal(c.closed, 0);
	assert_int_equal(p.r, 0);                 /* woken: the read says what happened */
	assert_string_equal(p.got, "");
	char x;
	errno = 0;
	assert_true(read(fds[0], &x, 1) < 0 && errno == EBADF); /* it is closed */
	close(fds[1]);
	async_loop_destroy(loop);
}

/* poller.h's contract: a back end that cannot report edges says so. epoll
 * can (EPOLLET); weft's poll reports states, so its back end refuses. */
static void test_a_poller_refuses_edges_it_cannot_report(void **state)
{
	(void)state;
	int fds[2];
	assert_int_equal(pipe(fds), 0);
#ifdef CORO_ON_WEFT
	struct poller *p = poller_weft_create();
	int want = -ENOTSUP;
#else
	struct poller *p = poller_epoll_create();
	int want = 0;
#endif
	assert_non_null(p);
	int key;
	assert_int_equal(p->ops->watch(p, fds[0], POLLER_IN | POLLER_EDGE, &key), want);
	assert_int_equal(p->ops->watch(p, fds[1], POLLER_OUT, &key), 0); /* a level watch is fine */
	p->ops->destroy(p);
	close(fds[0]);
	close(fds[1]);
}

static int fill_then_wait_writable(struct async_task *self, void *arg, void **result)
{
	(void)result;
	struct pipe_io *p = arg;
	static char block[4096]; /* static: weft's task stacks are 4 KiB */
	while (write(p->wr, block, sizeof block) > 0)
		;
	mark("full;");
	p->r = async_writable(self, p->wr);
	mark("writable;");
	return 0;
}

static int drain(struct async_task *self, void *arg, void **result)
{
	(void)result;
	struct pipe_io *p = arg;
	static char block[4096];
	async_sleep(self, 1 * ASYNC_MS);
	mark("drain;");
	while (read(p->rd, block, sizeof block) > 0)
		;
	return 0;
}

static void test_a_task_waits_for_a_full_pipe_to_drain(void **state)
{
	(void)state;
	trace[0] = 0;
	struct async_loop *loop = async_loop_create(NULL, NULL);
	int fds[2];
	assert_int_equal(pipe2(fds, O_NONBLOCK), 0);
	struct pipe_io p = { fds[0], fds[1], "", -1 };
	run_pair(loop, fill_then_wait_writable, &p, drain, &p);
	assert_string_equal(trace, "full;drain;writable;");
	assert_int_equal(p.r, 0);
	close(fds[0]);
	close(fds[1]);
	async_loop_destroy(loop);
}

/* ---- Work on lib/pool's thread pool ---- */

static int sum_to(void *arg, void **result)
{
	uint64_t n = (uint64_t)(uintptr_t)arg, s = 0;
	if (n == 0)
		return EDOM;
	for (uint64_t i = 1; i <= n; i++)
		s += i;
	*result = (void *)(uintptr_t)s;
	return 0;
}

struct offload { struct threadpool *tp; uint64_t n; int r; uint64_t sum; };

static int offloads(struct async_task *self, void *arg, void **result)
{
	(void)result;
	struct offload *o = arg;
	void *v = NULL;
	o->r = async_run_in_pool(self, o->tp, sum_to, (void *)(uintptr_t)o->n, &v);
	o->sum = (uint64_t)(uintptr_t)v;
	return 0;
}

static int ticker(struct async_task *self, void *arg, void **result)
{
	(void)result;
	struct offload *o = arg;
	int ticks = 0;
	while (o[0].r == -1 || o[1].r == -1 || o[2].r == -1) { /* the loop stays free meanwhile */
		async_sleep(self, 0);
		ticks++;
	}
	*result = (void *)(intptr_t)ticks;
	return 0;
}

static void test_pool_work_is_awaited_without_blocking_the_loop(void **state)
{
	(void)state;
	struct async_loop *loop = async_loop_create(NULL, NULL);
	struct threadpool *tp = threadpool_create(2, 0);
	assert_non_null(tp);
	struct offload o[3] = { { tp, 2000000, -1, 0 }, { tp, 1000, -1, 0 }, { tp, 0, -1, 0 } };
	struct async_task *t[4];
	for (int i = 0; i < 3; i++)
		t[i] = async_spawn(loop, "offload", offloads, &o[i]);
	t[3] = async_spawn(loop, "ticker", ticker, o);
	assert_int_equal(async_run(loop), 0);
	assert_int_equal(o[0].r, 0);
	assert_true(o[0].sum == (uintptr_t)(2000000ull * 2000001ull / 2)); /* what a void * carries */
	assert_int_equal(o[1].r, 0);
	assert_int_equal(o[1].sum, 500500);
	assert_int_equal(o[2].r, -EDOM);
	assert_true((intptr_t)afuture_result(async_task_future(t[3])) > 0);
	for (int i = 0; i < 4; i++)
		afuture_release(async_task_future(t[i]));
	threadpool_destroy(tp);
	async_loop_destroy(loop);
}

static int blocks_on(void *arg, void **result)
{
	(void)result;
	int fd = *(int *)arg;
	char c;
	return read(fd, &c, 1) == 1 ? 0 : EIO; /* blocks until the test writes */
}

struct cancelled_offload { struct threadpool *tp; int *fd; int r1, r2; };

static int offload_two(struct async_task *self, void *arg, void **result)
{
	(void)result;
	struct cancelled_offload *c = arg;
	struct afuture *running = async_pool_submit(async_task_loop(self), c->tp, blocks_on, c->fd);
	c->r1 = async_run_in_pool(self, c->tp, blocks_on, c->fd, NULL); /* queued behind it */
	afuture_release(running);
	return c->r1;
}

static int canceller(struct async_task *self, void *arg, void **result)
{
	(void)result;
	struct async_task *victim = arg;
	async_sleep(self, 1 * ASYNC_MS);
	async_task_cancel(victim);
	return 0;
}

static void test_cancelling_a_task_cancels_its_queued_pool_work(void **state)
{
	(void)state;
	struct async_loop *loop = async_loop_create(NULL, NULL);
	struct threadpool *tp = threadpool_create(1, 0);
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	struct cancelled_offload c = { tp, &fds[0], 1, 1 };
	struct async_task *v = async_spawn(loop, "victim", offload_two, &c);
	struct async_task *k = async_spawn(loop, "canceller", canceller, v);
	assert_int_equal(async_run_until(loop, async_task_future(v)), 0);
	assert_int_equal(c.r1, -ECANCELED);
	assert_int_equal(afuture_state(async_task_future(v)), AF_CANCELLED);
	assert_int_equal(write(fds[1], "x", 1), 1); /* let the running one finish */
	assert_int_equal(async_run(loop), 0);
	afuture_release(async_task_future(v));
	afuture_release(async_task_future(k));
	async_loop_destroy(loop); /* waits for the pool's completion to come back */
	threadpool_destroy(tp);
	close(fds[0]);
	close(fds[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tasks_start_in_spawn_order_and_interleave_at_each_await),
		cmocka_unit_test(test_an_iteration_runs_due_timers_then_the_calls_ready_before_it),
		cmocka_unit_test(test_each_done_callback_runs_exactly_once_on_the_loop),
		cmocka_unit_test(test_results_and_errors_travel_through_futures),
		cmocka_unit_test(test_timers_wake_in_deadline_order_and_on_time),
		cmocka_unit_test(test_gather_waits_for_all_and_reports_the_first_error_in_order),
		cmocka_unit_test(test_wait_for_times_out_and_cancels_the_slow_task),
		cmocka_unit_test(test_cancellation_is_delivered_at_the_next_await_once),
		cmocka_unit_test(test_a_task_waits_for_a_pipe_while_another_writes_it),
		cmocka_unit_test(test_a_task_waits_for_a_full_pipe_to_drain),
		cmocka_unit_test(test_a_descriptor_closed_under_its_waiter_wakes_it),
		cmocka_unit_test(test_a_poller_refuses_edges_it_cannot_report),
		cmocka_unit_test(test_pool_work_is_awaited_without_blocking_the_loop),
		cmocka_unit_test(test_cancelling_a_task_cancels_its_queued_pool_work),
	};
	if (getenv("ASYNC_TEST_FILTER")) /* one case alone: ASYNC_TEST_FILTER=test_name */
		cmocka_set_test_filter(getenv("ASYNC_TEST_FILTER"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
