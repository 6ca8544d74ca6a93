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
 * data that was already there when a wait began causes no new edge. So, as
 * in tokio and Go's netpoller, each handle keeps `ready` bits: an edge sets
 * them; the caller clears one (async_fd_clear) when the operation says
 * EAGAIN, or when a read came back short (a socket's queue was emptied);
 * async_fd_wait returns at once while the bit is set. An edge that comes
 * while its task is busy elsewhere is thus never lost, and after a short
 * read the next read waits first instead of costing a system call to learn
 * EAGAIN. The end of the stream and errors are edges too, but they do not
 * go away when the queue is emptied: those bits stay set (`sticky`), or a
 * FIN that arrived behind queued data would be waited for forever.
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
	if (events & POLLER_ERR)
		afd->sticky |= POLLER_IN | POLLER_OUT;
	if (events & POLLER_RDHUP)
		afd->sticky |= POLLER_IN;
	afd->ready |= afd->sticky | (events & (POLLER_IN | POLLER_OUT));
	if (afd->writer && (events & (POLLER_OUT | POLLER_ERR)))
		wake(afd->writer);
	if (events & (POLLER_IN | POLLER_ERR)) {
		if (afd->reader)
			wake(afd->reader);
		else if (afd->idle)
			afd->idle(afd, afd->arg);
	}
}

int async_fd_init(struct async_fd *afd, struct async_loop *loop, int fd, async_fd_idle idle,
		  void *arg)
{
	/* Ready until an operation says otherwise: the state before the first
	 * edge is unknown, so the first read or write is simply tried. */
	*afd = (struct async_fd){ .io = { fd_event }, .fd = fd, .ready = POLLER_IN | POLLER_OUT,
				  .loop = loop, .idle = idle, .arg = arg };
	return loop->poller->ops->watch(loop->poller, fd, POLLER_IN | POLLER_OUT | POLLER_EDGE,
					&afd->io);
}

int async_fd_fini(struct async_fd *afd)
{
	if (afd->reader || afd->writer)
		return -EBUSY;
	afd->loop->poller->ops->unwatch(afd->loop->poller, afd->fd);
	return 0;
}

struct async_fd *async_fd_open(struct async_loop *loop, int fd, async_fd_idle idle, void *arg)
{
	struct async_fd *afd = malloc(sizeof *afd);
	if (!afd)
		return NULL;
	int r = async_fd_init(afd, loop, fd, idle, arg);
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
	int r = async_fd_fini(afd);
	if (r == 0)
		free(afd);
	return r;
}

int async_fd_fileno(const struct async_fd *afd) { return afd->fd; }
unsigned async_fd_ready(const struct async_fd *afd) { return afd->ready; }
void async_fd_clear(struct async_fd *afd, unsigned events) { afd->ready &= ~(events & ~afd->sticky); }

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
	if (afd->ready & events)
		return 0; /* an edge came after the caller's EAGAIN was cleared */
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
