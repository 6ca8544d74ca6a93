/*
 * async_timer.c: the loop's timers, a binary min-heap.
 *
 * Course idea: how an event loop knows when to wake. Step 4 of the loop
 * (async_loop.c) needs the soonest deadline; step 2 takes every due timer
 * in order; a connection re-arms or drops its deadline on every request.
 * Three ways to keep them:
 *
 *   - a sorted list (what this loop had): soonest in O(1), but arming scans
 *     it, O(n): 10,000 idle connections make every arm cost 10,000 steps;
 *   - a timerfd per timer: the kernel sorts them, but each arm and disarm is
 *     a system call and each timer a descriptor;
 *   - a heap (libuv, Go's runtime, asyncio's heapq): soonest in O(1), arm
 *     and disarm in O(log n), no system call, one pointer per timer.
 *
 * weft's loop uses the heap, and one poll timeout for all of them (the
 * soonest deadline), so a thousand sleeping tasks cost one epoll_wait.
 *
 * Invariants: timers[0..ntimers) is a heap by (deadline, seq): no entry is
 * before its parent. Each armed timer knows its own index (`slot`), so it
 * can be taken out of the middle. `seq` numbers arms, so equal deadlines
 * fire in the order they were armed (FIFO), as asyncio's call_at does.
 *
 * Read next: async_loop.c (steps 2 and 4), async_fd.c (deadlines on IO).
 */
#include <stdlib.h>

#include "async_internal.h"

static bool before(const struct async_timer *a, const struct async_timer *b)
{
	return a->deadline < b->deadline || (a->deadline == b->deadline && a->seq < b->seq);
}

static void place(struct async_loop *loop, size_t i, struct async_timer *t)
{
	loop->timers[i] = t;
	t->slot = (uint32_t)i;
}

static void sift_up(struct async_loop *loop, size_t i)
{
	struct async_timer *t = loop->timers[i];
	while (i > 0 && before(t, loop->timers[(i - 1) / 2])) {
		place(loop, i, loop->timers[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	place(loop, i, t);
}

static void sift_down(struct async_loop *loop, size_t i)
{
	struct async_timer *t = loop->timers[i];
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= loop->ntimers)
			break;
		if (c + 1 < loop->ntimers && before(loop->timers[c + 1], loop->timers[c]))
			c++;
		if (!before(loop->timers[c], t))
			break;
		place(loop, i, loop->timers[c]);
		i = c;
	}
	place(loop, i, t);
}

void async_timer_arm(struct async_loop *loop, struct async_timer *t, uint64_t deadline,
		     void (*fn)(void *), void *arg)
{
	async_timer_disarm(loop, t);
	if (loop->ntimers == loop->timers_cap) {
		if (loop->timers_cap > UINT32_MAX / 2)
			abort(); /* four billion timers: `slot` would overflow */
		size_t cap = loop->timers_cap ? 2 * loop->timers_cap : 64;
		struct async_timer **h = realloc(loop->timers, cap * sizeof *h);
		if (!h)
			abort(); /* a lost deadline would hang its waiter: stop instead */
		loop->timers = h;
		loop->timers_cap = cap;
	}
	t->deadline = deadline;
	t->seq = loop->timer_seq++;
	t->fn = fn;
	t->arg = arg;
	t->armed = true;
	loop->timers[loop->ntimers] = t;
	sift_up(loop, loop->ntimers++);
}

void async_timer_disarm(struct async_loop *loop, struct async_timer *t)
{
	if (!t->armed)
		return;
	t->armed = false;
	size_t i = t->slot, last = --loop->ntimers;
	if (i == last)
		return;
	place(loop, i, loop->timers[last]); /* the last entry fills the hole... */
	if (i > 0 && before(loop->timers[i], loop->timers[(i - 1) / 2]))
		sift_up(loop, i);               /* ...and moves up or down to its place */
	else
		sift_down(loop, i);
}

struct async_timer *async_timer_first(const struct async_loop *loop)
{
	return loop->ntimers ? loop->timers[0] : NULL;
}

void async_timers_fini(struct async_loop *loop)
{
	free(loop->timers);
	loop->timers = NULL;
	loop->ntimers = loop->timers_cap = 0;
}
