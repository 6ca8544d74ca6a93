/*
 * async_io_test.c: the async runtime's Linux back end: the timer heap,
 * descriptors registered once and edge-triggered (async_fd), their
 * deadlines and cancellation, the idle hook, and signals delivered to the
 * loop through a signalfd.
 *
 * Read next: lib/coro/async_fd.c, async_timer.c, async_signal.c.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../lib/coro/async.h"
#include "../../lib/coro/async_internal.h" /* the timer heap, white-box */

/* ---- the heap: soonest first, FIFO among equals, disarm from anywhere ---- */

static uint64_t fake_now;
static uint64_t fake_clock(void *ctx) { (void)ctx; return fake_now; }
static const struct async_clock fake = { fake_clock, NULL };

enum { NT = 3000 };
static struct async_timer tms[NT];
static uint64_t dl[NT];
static int fired[NT], nfired;
static void fire(void *arg) { fired[nfired++] = (int)(intptr_t)arg; }

static void test_timer_heap_fires_in_deadline_then_arm_order(void **state)
{
	(void)state;
	fake_now = 0;
	struct async_loop *loop = async_loop_create(NULL, &fake);
	assert_non_null(loop);
	srand(12);
	for (int i = 0; i < NT; i++) { /* few distinct deadlines: many ties */
		dl[i] = 1 + (uint64_t)(rand() % 97);
		async_timer_arm(loop, &tms[i], dl[i], fire, (void *)(intptr_t)i);
	}
	for (int i = 0; i < NT; i += 3) /* a third taken out of the middle */
		async_timer_disarm(loop, &tms[i]);
	for (int i = 1; i < NT; i += 3) /* a third moved: re-armed, so last among its equals */
		async_timer_arm(loop, &tms[i], dl[i], fire, (void *)(intptr_t)i);
	nfired = 0;
	fake_now = 1000;
	async_loop_iterate(loop);
	assert_int_equal(nfired, NT - (NT + 2) / 3);
	for (int k = 1; k < nfired; k++) {
		int a = fired[k - 1], b = fired[k];
		assert_true(dl[a] <= dl[b]);
		if (dl[a] == dl[b]) /* equal: arm order (the moved ones after the rest) */
			assert_true(a % 3 == b % 3 ? a < b : a % 3 == 2);
	}
	assert_null(async_timer_first(loop));
	async_loop_destroy(loop);
}

/* ---- async_fd on a socket pair, real clock, real epoll ---- */

static int sv[2];
static struct async_fd *afd;
static char got_char;

static int reader(struct async_task *self, void *arg, void **result)
{
	(void)result;
	uint64_t *deadline_ms = arg;
	char c;
	while (read(sv[0], &c, 1) < 0) {
		async_fd_clear(afd, POLLER_IN);
		uint64_t now = async_now(async_task_loop(self));
		int r = async_fd_wait(self, afd, POLLER_IN,
				      *deadline_ms ? now + *deadline_ms * ASYNC_MS : ASYNC_NEVER);
		if (r < 0)
			return r;
	}
	got_char = c;
	return 0;
}

static int writer_later(struct async_task *self, void *arg, void **result)
{
	(void)arg, (void)result;
	async_sleep(self, 20 * ASYNC_MS);
	return write(sv[1], "x", 1) == 1 ? 0 : -EIO;
}

static struct async_loop *pair_loop(void)
{
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
	struct async_loop *loop = async_loop_create(NULL, NULL);
	assert_non_null(loop);
	afd = async_fd_open(loop, sv[0], NULL, NULL);
	assert_non_null(afd);
	return loop;
}

static void pair_done(struct async_loop *loop)
{
	assert_int_equal(async_fd_close(afd), 0);
	async_loop_destroy(loop);
	close(sv[0]);
	close(sv[1]);
}

static int status_of(struct async_task *t)
{
	struct afuture *f = async_task_future(t);
	int r = afuture_error(f);
	afuture_release(f);
	return r;
}

static void test_fd_wait_wakes_on_data_and_times_out_at_its_deadline(void **state)
{
	(void)state;
	struct async_loop *loop = pair_loop();
	uint64_t forever = 0, short_ms = 30;
	struct async_task *r = async_spawn(loop, "reader", reader, &forever);
	struct async_task *w = async_spawn(loop, "writer", writer_later, NULL);
	assert_int_equal(async_run(loop), 0);
	assert_int_equal(status_of(r), 0);
	assert_int_equal(got_char, 'x');
	assert_int_equal(status_of(w), 0);
	/* nothing comes: -ETIMEDOUT at the deadline, not before */
	uint64_t t0 = async_now(loop);
	r = async_spawn(loop, "reader", reader, &short_ms);
	assert_int_equal(async_run(loop), 0);
	assert_int_equal(status_of(r), -ETIMEDOUT);
	assert_true(async_now(loop) - t0 >= 30 * ASYNC_MS);
	pair_done(loop);
}

static int canceller(struct async_task *self, void *arg, void **result)
{
	(void)result;
	async_sleep(self, 10 * ASYNC_MS);
	async_task_cancel(arg);
	return 0;
}

static void test_fd_wait_is_cancelled_and_a_second_reader_is_refused(void **state)
{
	(void)state;
	struct async_loop *loop = pair_loop();
	uint64_t forever = 0;
	struct async_task *r = async_spawn(loop, "reader", reader, &forever);
	struct async_task *r2 = async_spawn(loop, "reader2", reader, &forever);
	struct async_task *c = async_spawn(loop, "canceller", canceller, r);
	assert_int_equal(async_run(loop), 0);
	assert_int_equal(status_of(r), -ECANCELED);
	assert_int_equal(status_of(r2), -EEXIST);
	assert_int_equal(status_of(c), 0);
	pair_done(loop);
}

static int idle_calls;
static void on_idle(struct async_fd *a, void *arg)
{
	(void)a, (void)arg;
	idle_calls++;
}

static int waits_a_bit(struct async_task *self, void *arg, void **result)
{
	(void)arg, (void)result;
	return async_sleep(self, 30 * ASYNC_MS);
}

/* The hook runs once per edge with no reader waiting, and not again while
 * the unread data merely stays there (edge-triggered). */
static void test_idle_hook_runs_once_per_edge(void **state)
{
	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
	struct async_loop *loop = async_loop_create(NULL, NULL);
	afd = async_fd_open(loop, sv[0], on_idle, NULL);
	assert_non_null(afd);
	idle_calls = 0;
	assert_int_equal(write(sv[1], "ab", 2), 2);
	struct async_task *t = async_spawn(loop, "sleeper", waits_a_bit, NULL);
	assert_int_equal(async_run(loop), 0); /* many iterations while the data sits there */
	assert_int_equal(idle_calls, 1);
	assert_int_equal(write(sv[1], "c", 1), 1);
	status_of(t);
	t = async_spawn(loop, "sleeper", waits_a_bit, NULL);
	assert_int_equal(async_run(loop), 0);
	assert_int_equal(idle_calls, 2);
	status_of(t);
	/* the peer closes: a hang-up is an edge for the hook too */
	close(sv[1]);
	t = async_spawn(loop, "sleeper", waits_a_bit, NULL);
	assert_int_equal(async_run(loop), 0);
	assert_int_equal(idle_calls, 3);
	status_of(t);
	assert_int_equal(async_fd_close(afd), 0);
	async_loop_destroy(loop);
	close(sv[0]);
}

/* The peer's FIN arrives behind queued data and its edge is taken while no
 * one reads; the reader then empties the queue (a short read: it clears
 * the bit). The end of the stream must still be seen at once, not waited
 * for: the bit stays set once the peer has closed. */
static int drains_then_expects_eof(struct async_task *self, void *arg, void **result)
{
	(void)arg, (void)result;
	async_sleep(self, 20 * ASYNC_MS); /* the edges come and go meanwhile */
	char buf[256];
	ssize_t k = read(sv[0], buf, sizeof buf);
	if (k != 100)
		return -EIO;
	async_fd_clear(afd, POLLER_IN); /* short read: the queue is empty */
	if (!(async_fd_ready(afd) & POLLER_IN)) {
		int r = async_fd_wait(self, afd, POLLER_IN, async_now(async_task_loop(self)) + 200 * ASYNC_MS);
		if (r < 0)
			return r;
	}
	return read(sv[0], buf, sizeof buf) == 0 ? 0 : -EIO;
}

static void test_end_of_stream_behind_data_is_not_lost(void **state)
{
	(void)state;
	struct async_loop *loop = pair_loop();
	static const char hundred[100];
	assert_int_equal(write(sv[1], hundred, 100), 100);
	shutdown(sv[1], SHUT_WR);
	struct async_task *t = async_spawn(loop, "drainer", drains_then_expects_eof, NULL);
	assert_int_equal(async_run(loop), 0);
	assert_int_equal(status_of(t), 0);
	pair_done(loop);
}

/* ---- signals ---- */

static int sig_waiter(struct async_task *self, void *arg, void **result)
{
	(void)arg, (void)result;
	return -async_signal_wait(self); /* FAILED with -signo: the test reads it */
}

static int sig_sender(struct async_task *self, void *arg, void **result)
{
	(void)arg, (void)result;
	async_sleep(self, 10 * ASYNC_MS);
	return kill(getpid(), SIGUSR2) == 0 ? 0 : -errno;
}

static void test_signals_arrive_as_events_and_go_back_to_handlers_after(void **state)
{
	(void)state;
	struct async_loop *loop = async_loop_create(NULL, NULL);
	int sigs[] = { SIGUSR1, SIGUSR2 };
	assert_int_equal(async_signals_catch(loop, sigs, 2), 0);
	assert_int_equal(async_signals_catch(loop, sigs, 2), -EBUSY);
	struct async_task *w = async_spawn(loop, "waiter", sig_waiter, NULL);
	struct async_task *s = async_spawn(loop, "sender", sig_sender, NULL);
	assert_int_equal(async_run(loop), 0); /* the default action would have killed us */
	assert_int_equal(status_of(w), -SIGUSR2);
	assert_int_equal(status_of(s), 0);
	async_loop_destroy(loop);
	sigset_t now;
	pthread_sigmask(SIG_BLOCK, NULL, &now);
	assert_false(sigismember(&now, SIGUSR2)); /* the mask is put back */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timer_heap_fires_in_deadline_then_arm_order),
		cmocka_unit_test(test_fd_wait_wakes_on_data_and_times_out_at_its_deadline),
		cmocka_unit_test(test_fd_wait_is_cancelled_and_a_second_reader_is_refused),
		cmocka_unit_test(test_idle_hook_runs_once_per_edge),
		cmocka_unit_test(test_end_of_stream_behind_data_is_not_lost),
		cmocka_unit_test(test_signals_arrive_as_events_and_go_back_to_handlers_after),
	};
	return cmocka_run_group_tests_name("async_io", tests, NULL, NULL);
}
