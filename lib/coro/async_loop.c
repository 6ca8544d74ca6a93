/*
 * async_loop.c: the event loop: its iteration and its ready queue (the
 * timers' heap is async_timer.c).
 *
 * Course idea: one thread, many waits. The iteration below is the numbered
 * list of docs/async.md, step for step:
 *
 *   1. Read the clock once; the whole iteration uses that time.
 *   2. Run the timers that are due, soonest first (FIFO among equals).
 *   3. Run the calls that were ready when this step began; calls they queue
 *      wait for the next iteration, so a task that keeps yielding cannot
 *      starve timers and IO.
 *   4. Choose the poll timeout: 0 if anything is ready, else until the
 *      soonest timer, else forever if a descriptor or pool work can end
 *      the wait, else 0 (nothing could ever wake it).
 *   5. Poll, and run the IO callback of every descriptor that is ready.
 *
 * The system's part (the default clock and poller, the thread-pool bridge)
 * is in async_os_posix.c and async_pool.c; everything here is portable.
 *
 * async_run repeats this while tasks are alive, and stops with -EDEADLK when
 * none of them can ever be woken (nothing ready, no timer, no descriptor,
 * no pool work): asyncio would hang there; weft says so.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "async_internal.h"

struct async_loop *async_loop_create(struct poller *poller, const struct async_clock *clock)
{
	struct async_loop *loop = calloc(1, sizeof *loop);
	if (!loop)
		return NULL;
	loop->poller = poller ? poller : async_os_poller();
	loop->stacks = coro_pool_create(ASYNC_STACK, 64);
	if (!loop->poller || !loop->stacks) {
		if (loop->poller)
			loop->poller->ops->destroy(loop->poller);
		coro_pool_destroy(loop->stacks);
		free(loop);
		errno = ENOMEM;
		return NULL;
	}
	loop->clock = clock ? *clock : async_os_clock();
	loop->now = loop->clock.now(loop->clock.ctx);
	async_bridge_init(loop);
	return loop;
}

int async_loop_keep_stacks(struct async_loop *loop, unsigned keep)
{
	if (loop->live_tasks)
		return -EBUSY;
	struct coro_pool *p = coro_pool_create(ASYNC_STACK, keep);
	if (!p)
		return -ENOMEM;
	coro_pool_destroy(loop->stacks);
	loop->stacks = p;
	return 0;
}

void async_loop_destroy(struct async_loop *loop)
{
	if (!loop)
		return;
	/* Pool work still out (its task was cancelled) and late wake-ups still
	 * queued hold references: bring them in before freeing anything. */
	while (loop->ready_len || loop->bridge.outstanding)
		async_loop_iterate(loop);
	if (loop->signals)
		loop->signals_fini(loop);
	async_bridge_fini(loop);
	loop->poller->ops->destroy(loop->poller);
	coro_pool_destroy(loop->stacks);
	async_timers_fini(loop);
	free(loop->ready);
	free(loop);
}

void async_call_soon(struct async_loop *loop, void (*fn)(void *), void *arg)
{
	if (loop->ready_len == loop->ready_cap) {
		size_t cap = loop->ready_cap ? 2 * loop->ready_cap : 64;
		struct async_call *r = malloc(cap * sizeof *r);
		if (!r)
			abort(); /* out of memory with work queued: nothing sane to drop */
		for (size_t i = 0; i < loop->ready_len; i++)
			r[i] = loop->ready[(loop->ready_head + i) % loop->ready_cap];
		free(loop->ready);
		loop->ready = r;
		loop->ready_cap = cap;
		loop->ready_head = 0;
	}
	loop->ready[(loop->ready_head + loop->ready_len++) % loop->ready_cap] =
		(struct async_call){ fn, arg };
}

uint64_t async_now(const struct async_loop *loop) { return loop->now; }
unsigned long async_iterations(const struct async_loop *loop) { return loop->iterations; }

static void run_due_timers(struct async_loop *loop)
{
	struct async_timer *t;
	while ((t = async_timer_first(loop)) && t->deadline <= loop->now) {
		async_timer_disarm(loop, t);
		t->fn(t->arg);
	}
}

static void run_ready(struct async_loop *loop)
{
	for (size_t n = loop->ready_len; n > 0; n--) {
		struct async_call c = loop->ready[loop->ready_head];
		loop->ready_head = (loop->ready_head + 1) % loop->ready_cap;
		loop->ready_len--;
		c.fn(c.arg);
	}
}

static int64_t poll_timeout(struct async_loop *loop)
{
	if (loop->ready_len)
		return 0;
	struct async_timer *first = async_timer_first(loop);
	if (!first) /* forever only if something can end it: a descriptor, pool work */
		return loop->watchers || loop->bridge.outstanding ? POLLER_FOREVER : 0;
	uint64_t now = loop->clock.now(loop->clock.ctx);
	return first->deadline > now ? (int64_t)(first->deadline - now) : 0;
}

static void poll_and_dispatch(struct async_loop *loop, int64_t timeout)
{
	struct poller_event ev[64];
	int n = loop->poller->ops->wait(loop->poller, ev, 64, timeout);
	for (int i = 0; i < n; i++) {
		struct async_io *io = ev[i].key;
		io->fn(io, ev[i].events);
	}
}

/* One iteration: the five steps of docs/async.md, in order. */
void async_loop_iterate(struct async_loop *loop)
{
	loop->iterations++;
	loop->now = loop->clock.now(loop->clock.ctx);   /* 1. the time */
	run_due_timers(loop);                           /* 2. due timers */
	run_ready(loop);                                /* 3. ready calls */
	int64_t timeout = poll_timeout(loop);           /* 4. the poll timeout */
	poll_and_dispatch(loop, timeout);               /* 5. poll, IO callbacks */
}

static bool can_progress(const struct async_loop *loop)
{
	return loop->ready_len || loop->ntimers || loop->watchers || loop->bridge.outstanding;
}

int async_run(struct async_loop *loop)
{
	while (loop->live_tasks) {
		if (!can_progress(loop))
			return -EDEADLK;
		async_loop_iterate(loop);
	}
	return 0;
}

int async_run_until(struct async_loop *loop, struct afuture *f)
{
	while (!afuture_done(f)) {
		if (!can_progress(loop))
			return -EDEADLK;
		async_loop_iterate(loop);
	}
	return 0;
}
