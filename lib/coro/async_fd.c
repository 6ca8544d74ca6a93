/*
 * async_fd.c: descriptors registered with the poller once, edge-triggered,
 * and the deadline-bounded wait on them (async.h).
 *
 * Course idea: level- or edge-triggered readiness. async_readable() (in
 * async_ops.c) is level-triggered and registers the descriptor for each
 * wait: two epoll_ctl calls per wait, and a descriptor that stays ready
 * keeps being reported. A server waits millions of times on the same
 * sockets, so here each socket is registered once, for IN and OUT, with
 * EPOLLET: the kernel reports a change (data arrived, room to send, the peer
 * closed) once, and no call is needed per wait. The price is the edge rule:
 * wait only after the operation said EAGAIN, because data that was already
 * there when the wait began causes no new edge. The loop is one thread, so
 * an edge can only be delivered while every task is suspended: nothing can
 * slip in between a task's EAGAIN and its wait.
 *
 * A connection whose task has ended (it went quiet) keeps its registration:
 * the next edge with no reader waiting calls the `idle` hook, which starts
 * a task for it again. That is how an idle keep-alive connection costs no
 * coroutine, no stack and no buffers (tools/net/httpd_event.c).
 *
 * Read next: async_timer.c (the deadlines), lib/net/async_sock.c.
 */
#include <errno.h>
#include <stdlib.h>

#include "async_internal.h"

struct fd_waiter {
	struct async_task *task;
	bool ready, expired;
};

struct async_fd {
	struct async_io io; /* first: the poller's key points here */
	struct async_loop *loop;
	int fd;
	async_fd_idle idle;
	void *arg;
	struct fd_waiter *reader, *writer; /* tasks waiting, or NULL */
};

static void wake(struct fd_waiter *w)
{
	w->ready = true;
	async_task_wake(w->task);
}

/* Step 5: an edge. Wake whoever waits for it; a readable edge with no
 * reader goes to the idle hook. */
static void fd_event(struct async_io *io, unsigned events)
{
	struct async_fd *afd = (struct async_fd *)io;
	if (afd->writer && (events & (POLLER_OUT | POLLER_ERR)))
		wake(afd->writer);
	if (events & (POLLER_IN | POLLER_ERR)) {
		if (afd->reader)
			wake(afd->reader);
		else if (afd->idle)
			afd->idle(afd, afd->arg);
	}
}

struct async_fd *async_fd_open(struct async_loop *loop, int fd, async_fd_idle idle, void *arg)
{
	struct async_fd *afd = malloc(sizeof *afd);
	if (!afd)
		return NULL;
	*afd = (struct async_fd){ { fd_event }, loop, fd, idle, arg, NULL, NULL };
	int r = loop->poller->ops->watch(loop->poller, fd, POLLER_IN | POLLER_OUT | POLLER_EDGE,
					 &afd->io);
	if (r < 0) {
		free(afd);
		errno = -r;
		return NULL;
	}
	return afd;
}

int async_fd_close(struct async_fd *afd)
{
	if (!afd)
		return 0;
	if (afd->reader || afd->writer)
		return -EBUSY;
	afd->loop->poller->ops->unwatch(afd->loop->poller, afd->fd);
	free(afd);
	return 0;
}

int async_fd_fileno(const struct async_fd *afd) { return afd->fd; }

static void deadline_passed(void *arg)
{
	struct fd_waiter *w = arg;
	w->expired = true;
	async_task_wake(w->task);
}

int async_fd_wait(struct async_task *self, struct async_fd *afd, unsigned events,
		  uint64_t deadline)
{
	struct async_loop *loop = afd->loop;
	if (async_take_cancel(self))
		return -ECANCELED;
	struct fd_waiter **slot = events & POLLER_OUT ? &afd->writer : &afd->reader;
	if (*slot)
		return -EEXIST;
	if (deadline != ASYNC_NEVER && deadline <= loop->clock.now(loop->clock.ctx))
		return -ETIMEDOUT;
	struct fd_waiter w = { self, false, false };
	struct async_timer tm = { 0 };
	if (deadline != ASYNC_NEVER)
		async_timer_arm(loop, &tm, deadline, deadline_passed, &w);
	*slot = &w;
	loop->watchers++;
	while (!w.ready && !w.expired && !self->cancelling)
		async_suspend(self);
	loop->watchers--;
	*slot = NULL;
	async_timer_disarm(loop, &tm);
	if (w.ready)
		return 0;
	if (async_take_cancel(self))
		return -ECANCELED;
	return -ETIMEDOUT;
}
