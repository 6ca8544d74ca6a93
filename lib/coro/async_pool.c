/*
 * async_pool.c: the bridge from lib/pool's worker threads back to the loop.
 *
 * Course idea: the only place where another thread touches the loop, made
 * as narrow as libuv makes it. A finished pool task's done callback runs on
 * the worker thread (lib/pool/future.h). It must not touch the loop's
 * futures or queues, which only the loop's thread may use. So it does two
 * things: it pushes a small record onto `bridge.done` under `bridge.lock`,
 * and writes to a wake-up descriptor that the loop's poller always watches
 * (an eventfd on Linux, a pipe on weft: async_os_*.c). Step 5 of the loop
 * then sees it readable, drains it, takes the whole list under the lock,
 * and resolves each loop future on its own thread. A write that finds the
 * descriptor full is dropped: it is readable already, and one wake-up
 * brings in the whole list.
 *
 * The one lock-ordering rule: bridge.lock is a leaf. Nothing is called while
 * holding it, and the loop never holds it while calling into the pool, so
 * a pool thread inside a callback (which may hold the pool's own locks) can
 * always take it.
 *
 * `outstanding` counts submitted work not yet brought back; only the loop's
 * thread changes it, and the loop keeps waiting (async_run) while it is not
 * zero even if no task is awake, so a result is never left unread.
 */
#include "async_pool.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "async_internal.h"

struct pool_afuture {
	struct afuture af;     /* first: the loop sees an ordinary future */
	struct future *pf;     /* the pool's, until the completion is brought back */
};

struct async_done {
	struct async_done *next;
	struct pool_afuture *pa;
};

static void bring_back(struct async_loop *loop, struct async_done *d)
{
	struct pool_afuture *pa = d->pa;
	struct future *pf = pa->pf;
	switch (future_state(pf)) {
	case FUTURE_DONE:
		afuture_set_result(&pa->af, future_result(pf));
		break;
	case FUTURE_CANCELLED:
		afuture_resolve(&pa->af, AF_CANCELLED, NULL, -ECANCELED);
		break;
	default:
		afuture_set_error(&pa->af, -future_error(pf));
		break;
	}
	pa->pf = NULL;
	future_release(pf);
	afuture_release(&pa->af);
	loop->bridge.outstanding--;
	free(d);
}

/* Step 5: the eventfd is readable. */
static void bridge_ready(struct async_io *io, unsigned events)
{
	(void)events;
	struct async_loop *loop = (struct async_loop *)((char *)io - offsetof(struct async_loop, bridge.io));
	uint64_t drain[8]; /* an eventfd reads as one count; a pipe, as what was written */
	ssize_t r = read(loop->bridge.wake[0], drain, sizeof drain);
	(void)r;
	pool_mutex_lock(&loop->bridge.lock);
	struct async_done *list = loop->bridge.done;
	loop->bridge.done = NULL;
	pool_mutex_unlock(&loop->bridge.lock);
	struct async_done *fifo = NULL; /* pushed newest first: turn it round */
	while (list) {
		struct async_done *next = list->next;
		list->next = fifo;
		fifo = list;
		list = next;
	}
	while (fifo) {
		struct async_done *next = fifo->next;
		bring_back(loop, fifo);
		fifo = next;
	}
}

/* On a pool thread (or the submitter's, if the work was already resolved). */
static int pool_done(struct future *pf, void *arg)
{
	(void)pf;
	struct async_done *d = arg;
	struct async_loop *loop = d->pa->af.loop;
	pool_mutex_lock(&loop->bridge.lock);
	d->next = loop->bridge.done;
	loop->bridge.done = d;
	pool_mutex_unlock(&loop->bridge.lock);
	uint64_t one = 1;
	ssize_t r = write(loop->bridge.wake[1], &one, sizeof one);
	(void)r;
	return 0;
}

static bool pool_cancel(struct afuture *f)
{
	struct pool_afuture *pa = (struct pool_afuture *)f;
	return pa->pf && future_cancel(pa->pf); /* resolved when the completion comes back */
}

static void pool_free(struct afuture *f) { free(f); }

/* The wake-up descriptors are made on the first submit, so a loop that
 * never uses the pool costs no descriptor (weft has 16 per process). */
static int bridge_open(struct async_loop *loop)
{
	if (loop->bridge.wake[0] >= 0)
		return 0;
	int r = async_os_wakeup_open(loop->bridge.wake);
	if (r < 0)
		return r;
	r = loop->poller->ops->watch(loop->poller, loop->bridge.wake[0], POLLER_IN, &loop->bridge.io);
	if (r < 0)
		async_os_wakeup_close(loop->bridge.wake);
	return r;
}

struct afuture *async_pool_submit(struct async_loop *loop, struct threadpool *tp,
				  threadpool_fn fn, void *arg)
{
	struct pool_afuture *pa = malloc(sizeof *pa);
	struct async_done *d = malloc(sizeof *d);
	if (!pa || !d || bridge_open(loop) < 0) {
		free(pa);
		free(d);
		return NULL;
	}
	afuture_init(&pa->af, loop, pool_free);
	pa->af.cancel_fn = pool_cancel;
	pa->pf = threadpool_submit(tp, fn, arg);
	if (!pa->pf) {
		afuture_set_error(&pa->af, -(errno ? errno : ENOMEM));
		free(d);
		return &pa->af;
	}
	d->pa = pa;
	afuture_retain(&pa->af); /* the completion's, until brought back */
	loop->bridge.outstanding++;
	if (future_add_done_callback(pa->pf, pool_done, d) != 0) {
		future_wait(pa->pf, FUTURE_FOREVER); /* cannot be told: wait here, rarely */
		bring_back(loop, d);
	}
	return &pa->af;
}

int async_run_in_pool(struct async_task *self, struct threadpool *tp, threadpool_fn fn,
		      void *arg, void **result)
{
	struct afuture *f = async_pool_submit(async_task_loop(self), tp, fn, arg);
	if (!f)
		return -ENOMEM;
	int r = async_await(self, f, result);
	if (r == -ECANCELED && !afuture_done(f))
		afuture_cancel(f);
	afuture_release(f);
	return r;
}

void async_bridge_init(struct async_loop *loop)
{
	pool_mutex_init(&loop->bridge.lock);
	loop->bridge.io.fn = bridge_ready;
	loop->bridge.wake[0] = loop->bridge.wake[1] = -1;
}

void async_bridge_fini(struct async_loop *loop)
{
	if (loop->bridge.wake[0] >= 0) {
		loop->poller->ops->unwatch(loop->poller, loop->bridge.wake[0]);
		async_os_wakeup_close(loop->bridge.wake);
	}
	pool_mutex_destroy(&loop->bridge.lock);
}
