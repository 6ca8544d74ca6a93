/*
 * async_ops.c: the awaits built on the basic ones: gather, wait_for, and
 * waiting for a descriptor.
 *
 * Each registers its wake-ups, suspends until its condition holds or the
 * task is cancelled, and then takes every registration back before it
 * returns, so nothing it armed can fire into a later await.
 */
#include <errno.h>
#include <unistd.h>

#include "async_internal.h"

int async_gather(struct async_task *self, struct afuture *const fs[], size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int r = async_await(self, fs[i], NULL);
		if (r == -ECANCELED && !afuture_done(fs[i])) { /* we were cancelled */
			for (size_t j = i; j < n; j++)
				afuture_cancel(fs[j]);
			return -ECANCELED;
		}
	}
	for (size_t i = 0; i < n; i++)
		if (afuture_error(fs[i]))
			return afuture_error(fs[i]);
	return 0;
}

struct deadline {
	struct async_task *task;
	bool expired;
};

static void deadline_passed(void *arg)
{
	struct deadline *d = arg;
	d->expired = true;
	async_task_wake(d->task);
}

int async_wait_for(struct async_task *self, struct afuture *f, uint64_t timeout_ns, void **result)
{
	struct async_loop *loop = self->fut.loop;
	if (async_take_cancel(self))
		return -ECANCELED;
	struct deadline d = { self, false };
	struct async_timer tm = { 0 };
	async_timer_arm(loop, &tm, loop->clock.now(loop->clock.ctx) + timeout_ns, deadline_passed, &d);
	afuture_retain(&self->fut);
	if (afuture_add_callback(f, async_wake_cb, self) != 0) {
		afuture_release(&self->fut);
		async_timer_disarm(loop, &tm);
		return -ENOMEM;
	}
	while (!afuture_done(f) && !d.expired && !self->cancelling)
		async_suspend(self);
	async_timer_disarm(loop, &tm);
	if (!afuture_done(f) && afuture_remove_callback(f, async_wake_cb, self))
		afuture_release(&self->fut);
	if (afuture_done(f)) {
		if (result)
			*result = afuture_result(f);
		return afuture_error(f);
	}
	if (async_take_cancel(self))
		return -ECANCELED;
	afuture_cancel(f); /* asyncio.wait_for: the timed-out work is cancelled */
	return -ETIMEDOUT;
}

struct fd_wait {
	struct async_io io; /* first: the poller's key points here */
	struct async_task *task;
	unsigned got;
	int fd;
	struct fd_wait *next; /* the loop's list of waits, for async_close */
};

static void fd_ready(struct async_io *io, unsigned events)
{
	struct fd_wait *w = (struct fd_wait *)io;
	w->got = events;
	async_task_wake(w->task);
}

static int wait_fd(struct async_task *self, int fd, unsigned events)
{
	struct async_loop *loop = self->fut.loop;
	if (async_take_cancel(self))
		return -ECANCELED;
	struct fd_wait w = { { fd_ready }, self, 0, fd, loop->fd_waits };
	int r = loop->poller->ops->watch(loop->poller, fd, events, &w.io);
	if (r < 0)
		return r;
	loop->fd_waits = &w;
	loop->watchers++;
	while (!w.got && !self->cancelling)
		async_suspend(self);
	if (w.fd >= 0) /* async_close has already unwatched it */
		loop->poller->ops->unwatch(loop->poller, fd);
	for (struct fd_wait **pp = &loop->fd_waits; *pp; pp = &(*pp)->next)
		if (*pp == &w) {
			*pp = w.next;
			break;
		}
	loop->watchers--;
	if (!w.got) {
		async_take_cancel(self);
		return -ECANCELED;
	}
	return 0;
}

int async_readable(struct async_task *self, int fd) { return wait_fd(self, fd, POLLER_IN); }

/* The waiter is woken as by an error (its next read or write says EBADF)
 * before the descriptor goes: epoll drops a closed descriptor from its set
 * without an event, so after a plain close() the waiter would sleep on. */
int async_close(struct async_loop *loop, int fd)
{
	for (struct fd_wait *w = loop->fd_waits; w; w = w->next)
		if (w->fd == fd) {
			loop->poller->ops->unwatch(loop->poller, fd);
			w->fd = -1;
			fd_ready(&w->io, POLLER_ERR);
		}
	return close(fd) < 0 ? -errno : 0;
}
int async_writable(struct async_task *self, int fd) { return wait_fd(self, fd, POLLER_OUT); }
