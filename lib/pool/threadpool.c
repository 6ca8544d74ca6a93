/*
 * threadpool.c: worker threads, one shared queue of futures, and the hand-off.
 *
 * Course idea: ThreadPoolExecutor's work queue. This is the one place where
 * the hand-off between the submitter and the workers is decided; everything
 * below follows these rules.
 *
 * THE HAND-OFF
 *   - The queue is a singly linked list of futures (a future carries its own
 *     task in exec_fn/exec_arg, so a submit allocates exactly one object).
 *     tp->lock guards the list and every counter below it in struct threadpool.
 *   - Submitting appends one future under the lock. It wakes a worker only if
 *     one is asleep and has not already been woken: `idle` counts workers in
 *     pool_cond_wait, `wakeups` counts signals sent to them and not yet
 *     consumed. So a burst of submits costs one signal (one futex call), not
 *     one per task; that, more than anything, is what makes tiny tasks cheap.
 *     The signal is sent after unlocking, so the woken worker does not
 *     immediately block on the lock we still hold.
 *   - A worker takes a *batch* from the head under the lock: an even share,
 *     queued / (2 x workers), clamped to [1, BATCH_MAX] (guided scheduling, as
 *     in OpenMP). Long queues of tiny tasks cost one lock round trip per batch;
 *     as the queue drains the batches shrink to one, so no worker is left
 *     holding a pile of long tasks while another sits idle.
 *   - Before going to sleep a worker spins briefly, yielding the processor,
 *     in case the submitter is about to add more: sleeping and being woken
 *     costs two system calls and a few microseconds, many tiny tasks' worth.
 *   - With a queue limit, a submitter finding the queue full sleeps on `space`;
 *     workers broadcast `space` after taking a batch, if anyone is blocked.
 *   - Shutdown sets `shutting_down` under the lock and broadcasts both
 *     condvars. Workers exit when the queue is empty and shutdown has begun.
 *
 * LOCK ORDER: tp->lock is never held while a task runs, while a future is
 * resolved (future.c takes a wait-channel lock and runs callbacks), or while
 * joining. Callbacks may therefore submit to this pool without deadlock.
 *
 * Read next: procpool.c, the same API over forked processes.
 */
#include "threadpool.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "future_exec.h"
#include "pool_os.h"

#define BATCH_MAX 64  /* most futures a worker takes per lock round trip */
#define SPIN_ROUNDS 64 /* yields a worker tries before sleeping */

struct threadpool {
	pool_mutex lock;
	pool_cond work;  /* workers sleep here while the queue is empty */
	pool_cond space; /* submitters sleep here while a bounded queue is full */

	/* Guarded by lock. */
	struct future *head, *tail;
	size_t queued;
	size_t limit;               /* queue bound, 0 = none */
	unsigned idle;              /* workers asleep on `work` */
	unsigned wakeups;           /* signals sent to `work` not yet consumed */
	unsigned blocked;           /* submitters asleep on `space` */
	bool shutting_down;

	/* A lock-free hint of `queued` for spinning workers, written under lock. */
	_Atomic size_t queued_hint;

	pool_mutex join_lock;       /* serialises joining; guards `joined` */
	bool joined;
	unsigned nworkers;
	pool_thread threads[];
};

static void run_task(struct future *f)
{
	if (future_start(f)) { /* false: it was cancelled while queued */
		threadpool_fn fn = (threadpool_fn)(uintptr_t)f->exec_fn;
		void *result = NULL;
		int rc = fn(f->exec_arg, &result);
		if (rc == 0)
			future_set_result(f, result, 0, NULL);
		else
			future_set_error(f, rc, "task returned error %d (%s)", rc, strerror(rc));
	}
	future_release(f); /* the pool's reference */
}

/* With tp->lock held: detach up to an even share of the queue. */
static struct future *take_batch_locked(struct threadpool *tp)
{
	size_t n = tp->queued / (2 * tp->nworkers);
	if (n < 1)
		n = 1;
	if (n > BATCH_MAX)
		n = BATCH_MAX;
	struct future *first = tp->head, *last = first;
	for (size_t i = 1; i < n; i++)
		last = last->exec_next;
	tp->head = last->exec_next;
	if (!tp->head)
		tp->tail = NULL;
	last->exec_next = NULL;
	tp->queued -= n;
	atomic_store_explicit(&tp->queued_hint, tp->queued, memory_order_relaxed);
	return first;
}

/* Spin (yielding) until work appears or SPIN_ROUNDS pass; true if work seen. */
static bool spin_for_work(struct threadpool *tp)
{
	for (int i = 0; i < SPIN_ROUNDS; i++) {
		if (atomic_load_explicit(&tp->queued_hint, memory_order_relaxed) > 0)
			return true;
		pool_yield();
	}
	return false;
}

static void *worker_main(void *arg)
{
	struct threadpool *tp = arg;
	for (;;) {
		pool_mutex_lock(&tp->lock);
		while (!tp->head && !tp->shutting_down) {
			pool_mutex_unlock(&tp->lock);
			bool seen = spin_for_work(tp);
			pool_mutex_lock(&tp->lock);
			if (seen || tp->head || tp->shutting_down)
				continue;
			tp->idle++;
			pool_cond_wait(&tp->work, &tp->lock);
			tp->idle--;
			if (tp->wakeups > 0)
				tp->wakeups--;
		}
		if (!tp->head) { /* empty and shutting down */
			pool_mutex_unlock(&tp->lock);
			return NULL;
		}
		struct future *batch = take_batch_locked(tp);
		bool wake_space = tp->blocked > 0;
		pool_mutex_unlock(&tp->lock);
		if (wake_space)
			pool_cond_broadcast(&tp->space);

		while (batch) {
			struct future *next = batch->exec_next;
			run_task(batch);
			batch = next;
		}
	}
}

struct threadpool *threadpool_create(unsigned workers, size_t queue_limit)
{
	if (workers == 0) {
		errno = EINVAL;
		return NULL;
	}
	struct threadpool *tp = calloc(1, sizeof *tp + workers * sizeof tp->threads[0]);
	if (!tp)
		return NULL;
	pool_mutex_init(&tp->lock);
	pool_mutex_init(&tp->join_lock);
	pool_cond_init(&tp->work);
	pool_cond_init(&tp->space);
	tp->limit = queue_limit;
	for (unsigned i = 0; i < workers; i++) {
		int rc = pool_thread_start(&tp->threads[i], worker_main, tp);
		if (rc != 0) {
			tp->nworkers = i; /* the ones that did start */
			threadpool_destroy(tp);
			errno = rc;
			return NULL;
		}
		/* Written before the next start; workers read it only after taking
		 * the lock, which orders it for them. */
		pool_mutex_lock(&tp->lock);
		tp->nworkers = i + 1;
		pool_mutex_unlock(&tp->lock);
	}
	return tp;
}

struct future *threadpool_submit(struct threadpool *tp, threadpool_fn fn, void *arg)
{
	struct future *f = future_create();
	if (!f) {
		errno = ENOMEM;
		return NULL;
	}
	f->exec_fn = (void *)(uintptr_t)fn;
	f->exec_arg = arg;
	future_retain(f); /* one reference for the caller, one for the pool */

	pool_mutex_lock(&tp->lock);
	while (tp->limit && tp->queued >= tp->limit && !tp->shutting_down) {
		tp->blocked++;
		pool_cond_wait(&tp->space, &tp->lock);
		tp->blocked--;
	}
	if (tp->shutting_down) {
		pool_mutex_unlock(&tp->lock);
		future_release(f);
		future_release(f);
		errno = ESHUTDOWN;
		return NULL;
	}
	if (tp->tail)
		tp->tail->exec_next = f;
	else
		tp->head = f;
	tp->tail = f;
	tp->queued++;
	atomic_store_explicit(&tp->queued_hint, tp->queued, memory_order_relaxed);
	bool wake = tp->idle > tp->wakeups;
	if (wake)
		tp->wakeups++;
	pool_mutex_unlock(&tp->lock);
	if (wake)
		pool_cond_signal(&tp->work);
	return f;
}

int threadpool_map(struct threadpool *tp, threadpool_fn fn, void *const args[], void *results[],
		   size_t n)
{
	struct future **fs = calloc(n ? n : 1, sizeof *fs);
	if (!fs)
		return ENOMEM;
	int first_error = 0;
	for (size_t i = 0; i < n; i++) {
		fs[i] = threadpool_submit(tp, fn, args[i]);
		if (!fs[i]) {
			first_error = errno;
			break;
		}
	}
	for (size_t i = 0; i < n; i++) {
		results[i] = NULL;
		if (!fs[i])
			continue; /* not submitted: first_error already says why */
		future_wait(fs[i], FUTURE_FOREVER);
		if (future_state(fs[i]) == FUTURE_DONE)
			results[i] = future_result(fs[i]);
		else if (first_error == 0)
			first_error = future_error(fs[i]);
		future_release(fs[i]);
	}
	free(fs);
	return first_error;
}

void threadpool_shutdown(struct threadpool *tp, bool wait, bool cancel_pending)
{
	struct future *cancelled = NULL;
	pool_mutex_lock(&tp->lock);
	tp->shutting_down = true;
	if (cancel_pending) {
		cancelled = tp->head;
		tp->head = tp->tail = NULL;
		tp->queued = 0;
		atomic_store_explicit(&tp->queued_hint, 0, memory_order_relaxed);
	}
	pool_mutex_unlock(&tp->lock);
	pool_cond_broadcast(&tp->work);
	pool_cond_broadcast(&tp->space);

	/* Outside the lock: cancelling runs the futures' callbacks. */
	while (cancelled) {
		struct future *next = cancelled->exec_next;
		future_cancel(cancelled); /* false if the user cancelled it first */
		future_release(cancelled);
		cancelled = next;
	}
	if (!wait)
		return;
	pool_mutex_lock(&tp->join_lock);
	if (!tp->joined) {
		for (unsigned i = 0; i < tp->nworkers; i++)
			pool_thread_join(&tp->threads[i]);
		tp->joined = true;
	}
	pool_mutex_unlock(&tp->join_lock);
}

void threadpool_destroy(struct threadpool *tp)
{
	threadpool_shutdown(tp, true, false);
	pool_cond_destroy(&tp->space);
	pool_cond_destroy(&tp->work);
	pool_mutex_destroy(&tp->join_lock);
	pool_mutex_destroy(&tp->lock);
	free(tp);
}
