/*
 * async_fake.h: a test double for the async runtime's two system
 * dependencies, the clock and the poller (tests/host/async_test.c).
 *
 * The fake poller never has an event; its wait just moves the fake clock
 * forward by the timeout it was given. So time passes only while the loop
 * sleeps, a timer test runs in no real time, and a loop that would sleep
 * for ever (POLLER_FOREVER with nothing to wake it) fails the test instead
 * of hanging it. Include it once, after cmocka.h and async_internal.h.
 */
#ifndef WEFT_ASYNC_FAKE_H
#define WEFT_ASYNC_FAKE_H

static uint64_t fake_now;
static uint64_t fake_clock(void *ctx) { (void)ctx; return fake_now; }
static const struct async_clock fake = { fake_clock, NULL };

static int fake_watch(struct poller *p, int fd, unsigned e, void *k) { (void)p, (void)fd, (void)e, (void)k; return 0; }
static int fake_unwatch(struct poller *p, int fd) { (void)p, (void)fd; return 0; }
static int fake_wait(struct poller *p, struct poller_event *ev, int max, int64_t timeout)
{
	(void)p, (void)ev, (void)max;
	if (timeout == POLLER_FOREVER)
		fail_msg("the loop would sleep forever");
	fake_now += (uint64_t)timeout; /* time passes only while the loop sleeps */
	return 0;
}
static void fake_destroy(struct poller *p) { (void)p; }
static const struct poller_ops fake_ops = { "fake", fake_watch, fake_unwatch, fake_wait, fake_destroy };
static struct poller fake_poller = { &fake_ops };

static struct async_loop *fake_loop(void)
{
	fake_now = 1000 * ASYNC_S;
	struct async_loop *loop = async_loop_create(&fake_poller, &fake);
	assert_non_null(loop);
	return loop;
}

#endif
