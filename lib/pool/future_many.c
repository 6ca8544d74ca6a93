/*
 * future_many.c: the completion queue behind wait(), as_completed() and the
 * event-loop descriptor.
 *
 * Course idea: see future_many.h. The queue is a list under a mutex plus an
 * eventfd in semaphore mode whose counter always equals the list's length:
 * the done callback appends and writes 1, future_queue_next() removes and
 * reads 1, both under the lock. So the descriptor is readable exactly while
 * the list is not empty, which is what poll() and epoll need (level
 * triggered), and a reader never consumes a wake-up that belongs to another.
 *
 * Lifetime: the queue holds one reference for its owner and one per watched
 * future that has not resolved; whoever drops the last frees it. A callback
 * that finds the queue destroyed just drops the future.
 *
 * Read next: procpool_map.c, which waits on its chunks through futures.
 */
#include "future_many.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "pool_os.h"

struct qnode {
	struct qnode *next;
	struct future *f;
	struct future_queue *q;
};

struct future_queue {
	pool_mutex lock;
	pool_cond ready;          /* signalled when a future is appended */
	_Atomic unsigned refs;    /* the owner's, and one per unresolved watched future */
	int efd;                  /* eventfd, semaphore mode: counter == list length */
	/* Guarded by lock. */
	struct qnode *head, *tail; /* resolved, not yet returned */
	size_t waiting;           /* added, not yet returned */
	bool destroyed;
};

static void queue_unref(struct future_queue *q)
{
	if (atomic_fetch_sub(&q->refs, 1) != 1)
		return;
	close(q->efd);
	pool_cond_destroy(&q->ready);
	pool_mutex_destroy(&q->lock);
	free(q);
}

struct future_queue *future_queue_create(void)
{
	struct future_queue *q = calloc(1, sizeof *q);
	if (!q)
		return NULL;
	q->efd = eventfd(0, EFD_SEMAPHORE | EFD_NONBLOCK | EFD_CLOEXEC);
	if (q->efd < 0) {
		int err = errno;
		free(q);
		errno = err;
		return NULL;
	}
	pool_mutex_init(&q->lock);
	pool_cond_init(&q->ready);
	atomic_init(&q->refs, 1);
	return q;
}

/* The done callback: runs once, on whichever thread resolved the future. */
static int on_resolved(struct future *f, void *arg)
{
	(void)f;
	struct qnode *n = arg;
	struct future_queue *q = n->q;
	pool_mutex_lock(&q->lock);
	if (q->destroyed) {
		pool_mutex_unlock(&q->lock);
		future_release(n->f);
		free(n);
	} else {
		n->next = NULL;
		if (q->tail)
			q->tail->next = n;
		else
			q->head = n;
		q->tail = n;
		uint64_t one = 1;
		while (write(q->efd, &one, sizeof one) < 0 && errno == EINTR)
			;
		pool_cond_signal(&q->ready);
		pool_mutex_unlock(&q->lock);
	}
	queue_unref(q);
	return 0;
}

int future_queue_add(struct future_queue *q, struct future *f)
{
	struct qnode *n = malloc(sizeof *n);
	if (!n)
		return ENOMEM;
	n->f = f;
	n->q = q;
	future_retain(f);
	atomic_fetch_add(&q->refs, 1);
	pool_mutex_lock(&q->lock);
	q->waiting++;
	pool_mutex_unlock(&q->lock);
	if (future_add_done_callback(f, on_resolved, n) != 0) {
		pool_mutex_lock(&q->lock);
		q->waiting--;
		pool_mutex_unlock(&q->lock);
		future_release(f);
		free(n);
		queue_unref(q);
		return ENOMEM;
	}
	return 0;
}

struct future *future_queue_next(struct future_queue *q, int64_t timeout_ns)
{
	int64_t now = pool_now_ns();
	bool forever = timeout_ns < 0 || timeout_ns > INT64_MAX - now;
	int64_t deadline = forever ? 0 : now + timeout_ns;
	pool_mutex_lock(&q->lock);
	while (!q->head && q->waiting > 0) {
		if (forever)
			pool_cond_wait(&q->ready, &q->lock);
		else if (pool_now_ns() >= deadline ||
			 (!pool_cond_timedwait(&q->ready, &q->lock, deadline) && !q->head))
			break;
	}
	struct qnode *n = q->head;
	if (n) {
		q->head = n->next;
		if (!q->head)
			q->tail = NULL;
		q->waiting--;
		uint64_t one;
		while (read(q->efd, &one, sizeof one) < 0 && errno == EINTR)
			;
	}
	int err = n ? 0 : q->waiting > 0 ? ETIMEDOUT : ENOENT;
	pool_mutex_unlock(&q->lock);
	if (!n) {
		errno = err;
		return NULL;
	}
	struct future *f = n->f; /* the queue's reference passes to the caller */
	free(n);
	return f;
}

int future_queue_fd(const struct future_queue *q) { return q->efd; }

size_t future_queue_waiting(struct future_queue *q)
{
	pool_mutex_lock(&q->lock);
	size_t n = q->waiting;
	pool_mutex_unlock(&q->lock);
	return n;
}

void future_queue_destroy(struct future_queue *q)
{
	pool_mutex_lock(&q->lock);
	q->destroyed = true;
	struct qnode *list = q->head;
	q->head = q->tail = NULL;
	pool_mutex_unlock(&q->lock);
	while (list) {
		struct qnode *next = list->next;
		future_release(list->f);
		free(list);
		list = next;
	}
	queue_unref(q);
}

struct future_queue *future_as_completed(struct future *const fs[], size_t n)
{
	struct future_queue *q = future_queue_create();
	for (size_t i = 0; q && i < n; i++)
		if (future_queue_add(q, fs[i]) != 0) {
			future_queue_destroy(q);
			errno = ENOMEM;
			return NULL;
		}
	return q;
}

int future_wait_many(struct future *const fs[], size_t n, enum future_return_when when,
		     int64_t timeout_ns, bool done[])
{
	struct future_queue *q = n ? future_as_completed(fs, n) : NULL;
	if (n && !q)
		return ENOMEM;
	int64_t now = pool_now_ns();
	bool forever = timeout_ns < 0 || timeout_ns > INT64_MAX - now;
	int64_t deadline = forever ? 0 : now + timeout_ns;
	size_t ndone = 0;
	int rc = 0;
	for (bool met = n == 0; !met;) {
		int64_t left = forever ? -1 : deadline - pool_now_ns();
		struct future *f = future_queue_next(q, forever ? -1 : left < 0 ? 0 : left);
		if (!f) {
			rc = ETIMEDOUT;
			break;
		}
		ndone++;
		met = ndone == n || when == FUTURE_FIRST_COMPLETED ||
		      (when == FUTURE_FIRST_EXCEPTION && future_state(f) == FUTURE_FAILED);
		future_release(f);
	}
	if (q)
		future_queue_destroy(q);
	for (size_t i = 0; done && i < n; i++)
		done[i] = future_resolved(fs[i]);
	return rc;
}
