/*
 * threadpool.c: worker threads, a queue of futures, and the hand-off.
 *
 * Course idea: ThreadPoolExecutor's work queue. This comment is the one place
 * where the hand-off between submitters and workers is decided; the code
 * below follows these rules.
 *
 * THE HAND-OFF
 *   A future carries its own task (exec_fn, exec_arg), so a submit allocates
 *   exactly one object, and queues are lists linked through exec_next.
 *
 *   1. Submitting never takes the pool lock. It pushes the future onto
 *      `incoming`, a lock-free stack (one compare-and-swap). The stack word's
 *      low bit is CLOSED: shutdown sets it, and a push that finds it set
 *      fails with ESHUTDOWN. So every push either lands before shutdown (and
 *      will be run or cancelled) or is refused; none can slip in afterwards.
 *   2. Workers take `lock` and move the whole stack into `fifo` (reversing it
 *      into submission order), then detach a *batch* from the head of fifo:
 *      an even share, queued / (2 x workers), clamped to [1, BATCH_MAX]
 *      (guided scheduling, as in OpenMP). Many tiny tasks cost one lock round
 *      trip per batch; as the queue drains, batches shrink to one task so no
 *      worker sits on a pile of long tasks while another idles. Only workers
 *      contend for `lock`; a busy submitter never waits for it.
 *   3. Sleeping and waking, without a lost wake-up. A worker that finds no
 *      work first spins a little (at most one worker at a time, yielding the
 *      processor), then increments `idle`, checks `incoming` once more, and
 *      only then sleeps on `work`, all under `lock`. A submitter pushes and
 *      then reads `idle`. Both are sequentially consistent, so either the
 *      worker sees the push or the submitter sees the sleeper; in the second
 *      case it takes `lock` (so the worker is really inside pool_cond_wait)
 *      and signals, unless an earlier signal is already on its way (`wakeups`).
 *      A burst of submits therefore costs one futex wake, not one per task.
 *      A worker that leaves tasks in fifo wakes one more sleeper itself.
 *   4. With a queue limit, `pending` (stack + fifo) is reserved by
 *      compare-and-swap before the push; a submitter that finds it full sleeps
 *      on `space` under `lock`, and workers broadcast `space` after taking a
 *      batch (also under `lock`) if any submitter is blocked.
 *   5. Workers exit when CLOSED is set and both queues are empty.
 *   6. A worker publishes the batch it took (tp_worker.batch, under `lock`)
 *      and keeps the pool's reference to every future in it until the whole
 *      batch has run. So shutdown(cancel_pending) can find and cancel the
 *      batched tasks that have not started: a task is RUNNING only once its
 *      worker's future_start() won, and a cancel that wins instead stops it.
 *   7. A submit from one of the pool's own workers (a task, or a done
 *      callback, which runs on the worker that resolved the future) never
 *      waits for room in a bounded queue: it would wait for itself, the
 *      deadlock of a 1-worker pool. It is queued beyond the limit instead;
 *      the limit bounds what *other* threads may queue.
 *
 * LOCK ORDER: `lock` is never held while a task runs, while a future is
 * resolved (future.c takes a wait-channel lock and runs callbacks), or while
 * joining. Callbacks may therefore submit to this pool (rule 7 for a bounded
 * one). Two bounded pools whose callbacks submit to each other can still
 * deadlock when both are full; give such pools no limit.
 *
 * Read next: procpool.c, the same API over forked processes.
 */
#include "threadpool.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "future_exec.h"
#include "pool_fork.h"
#include "pool_os.h"

#define BATCH_MAX 64   /* most futures a worker takes per lock round trip */
#define SPIN_ROUNDS 50 /* yields a spinning worker tries before sleeping */
#define CLOSED ((uintptr_t)1)

/* One worker thread. Its current batch stays visible (rule 6) until every
 * task in it has run, so that shutdown can cancel the ones not yet started;
 * the worker keeps the pool's reference to each until then. */
struct tp_worker {
	struct threadpool *tp;
	pool_thread thread;
	struct future *batch;        /* guarded by tp->lock; linked by exec_next */
};

/* The pool whose worker this thread is, or NULL (rule 7). */

struct threadpool {
	_Atomic uintptr_t incoming;  /* lock-free stack of new futures | CLOSED */
	_Atomic unsigned idle;       /* workers asleep, or about to be, on `work` */
	_Atomic bool spinning;       /* one worker is spinning for new work */
	_Atomic size_t pending;      /* futures queued (stack + fifo); only with a limit */

	pool_mutex lock;
	pool_cond work;              /* workers sleep here */
	pool_cond space;             /* submitters sleep here while the queue is full */
	/* Guarded by lock. */
	struct future *head, *tail;  /* fifo, oldest first */
	size_t queued;               /* length of fifo */
	unsigned wakeups;            /* signals sent to `work`, not yet consumed */
	unsigned blocked;            /* submitters asleep on `space` */
	unsigned inits_done;         /* initializers that have returned */
	int init_error;              /* the first initializer's failure, or 0 */
	unsigned exited;             /* workers that have left worker_main */
	pool_cond ready;             /* create_with() waits here for the initializers */
	unsigned epoch;              /* pool_fork_epoch() at creation; constant */
	threadpool_init_fn init;     /* constant */
	void *initarg;

	size_t limit;                /* queue bound, 0 = none; constant */
	pool_mutex join_lock;        /* serialises joining; guards `joined` */
	bool joined;
	unsigned nworkers;           /* constant once the workers run */
	struct tp_worker workers[];
};

static struct future *stack_top(uintptr_t word) { return (struct future *)(word & ~CLOSED); }

/* Run f unless it was cancelled while queued. The caller still holds the
 * pool's reference and drops it later (release_batch). */
static void run_task(struct future *f)
{
	if (!future_start(f))
		return;
	threadpool_fn fn = (threadpool_fn)(uintptr_t)f->exec_fn;
	void *result = NULL;
	int rc = fn(f->exec_arg, &result);
	if (rc == 0)
		future_set_result(f, result, 0, NULL);
	else
		future_set_error(f, rc, "task returned error %d (%s)", rc, strerror(rc));
}

/* Drop the pool's references to a finished, no longer published batch. */
static void release_batch(struct future *batch)
{
	while (batch) {
		struct future *next = batch->exec_next;
		future_release(batch);
		batch = next;
	}
}

/* With lock held: empty `incoming` into fifo, in submission order. */
static void drain_incoming_locked(struct threadpool *tp)
{
	uintptr_t w = atomic_load(&tp->incoming);
	while (stack_top(w) && !atomic_compare_exchange_weak(&tp->incoming, &w, w & CLOSED))
		;
	struct future *f = stack_top(w), *reversed = NULL, *last = f;
	size_t n = 0;
	for (struct future *next; f; f = next, n++) {
		next = f->exec_next;
		f->exec_next = reversed;
		reversed = f;
	}
	if (!reversed)
		return;
	if (tp->tail)
		tp->tail->exec_next = reversed;
	else
		tp->head = reversed;
	tp->tail = last;
	tp->queued += n;
}

/* With lock held and fifo not empty: detach an even share of it. */
static struct future *take_batch_locked(struct threadpool *tp)
{
	size_t n = tp->queued / (2 * tp->nworkers);
	n = n < 1 ? 1 : n > BATCH_MAX ? BATCH_MAX : n;
	struct future *first = tp->head, *last = first;
	for (size_t i = 1; i < n; i++)
		last = last->exec_next;
	tp->head = last->exec_next;
	if (!tp->head)
		tp->tail = NULL;
	last->exec_next = NULL;
	tp->queued -= n;
	if (tp->limit)
		atomic_fetch_sub(&tp->pending, n);
	return first;
}

/* With lock held: signal one sleeping worker unless a signal is on its way. */
static void wake_one_locked(struct threadpool *tp)
{
	if (atomic_load(&tp->idle) > tp->wakeups) {
		tp->wakeups++;
		pool_cond_signal(&tp->work);
	}
}

/* Spin (yielding) while nothing is submitted; true if something was. Only one
 * worker spins at a time: on a machine with few cores, more spinners would
 * only take the processor from the submitter they are waiting for. */
static bool spin_for_work(struct threadpool *tp)
{
	bool expected = false;
	if (!atomic_compare_exchange_strong(&tp->spinning, &expected, true))
		return false;
	bool seen = false;
	for (int i = 0; i < SPIN_ROUNDS && !seen; i++) {
		seen = stack_top(atomic_load_explicit(&tp->incoming, memory_order_relaxed)) != NULL;
		if (!seen)
			pool_yield();
	}
	atomic_store(&tp->spinning, false);
	return seen;
}

/* Is the caller one of tp's workers (a task, or a done callback running on
 * one)? By thread identity, not a thread-local: weft's threads have no
 * thread-local storage, and the same source runs there (pool_os_weft.c). */
static bool on_own_worker(struct threadpool *tp)
{
	for (unsigned i = 0; i < tp->nworkers; i++)
		if (pool_thread_is_self(&tp->workers[i].thread))
			return true;
	return false;
}

static void *worker_main(void *arg)
{
	struct tp_worker *me = arg;
	struct threadpool *tp = me->tp;
	struct future *finished = NULL; /* the last batch, unpublished, to release */
	int rc = tp->init ? tp->init(tp->initarg) : 0;
	pool_mutex_lock(&tp->lock);
	tp->inits_done++;
	if (rc && !tp->init_error)
		tp->init_error = rc;
	pool_cond_broadcast(&tp->ready);
	for (;;) {
		drain_incoming_locked(tp);
		if (!tp->head) {
			uintptr_t w = atomic_load(&tp->incoming);
			if (w == CLOSED)
				break; /* closed, and both queues are empty */
			if (stack_top(w))
				continue; /* pushed since the drain */
			pool_mutex_unlock(&tp->lock);
			release_batch(finished);
			finished = NULL;
			bool seen = spin_for_work(tp);
			pool_mutex_lock(&tp->lock);
			if (seen)
				continue;
			atomic_fetch_add(&tp->idle, 1);
			if (atomic_load(&tp->incoming) == 0 && !tp->head) /* rule 3 */
				pool_cond_wait(&tp->work, &tp->lock);
			atomic_fetch_sub(&tp->idle, 1);
			if (tp->wakeups > 0)
				tp->wakeups--;
			continue;
		}
		struct future *batch = take_batch_locked(tp);
		me->batch = batch; /* rule 6: visible to shutdown while it runs */
		if (tp->head)
			wake_one_locked(tp); /* work left over: share it */
		if (tp->blocked)
			pool_cond_broadcast(&tp->space);
		pool_mutex_unlock(&tp->lock);

		release_batch(finished);
		for (struct future *f = batch; f; f = f->exec_next)
			run_task(f);
		finished = batch;
		pool_mutex_lock(&tp->lock);
		me->batch = NULL;
	}
	tp->exited++;
	pool_mutex_unlock(&tp->lock);
	release_batch(finished);
	return NULL;
}

struct threadpool *threadpool_create(unsigned workers, size_t queue_limit)
{
	struct threadpool_options o = { .workers = workers, .queue_limit = queue_limit };
	return threadpool_create_with(&o);
}

struct threadpool *threadpool_create_with(const struct threadpool_options *opt)
{
	unsigned workers = opt ? opt->workers : 0;
	if (workers == 0) {
		errno = EINVAL;
		return NULL;
	}
	struct threadpool *tp = calloc(1, sizeof *tp + workers * sizeof tp->workers[0]);
	if (!tp)
		return NULL;

	pool_mutex_init(&tp->lock);
	pool_mutex_init(&tp->join_lock);
	pool_cond_init(&tp->work);
	pool_cond_init(&tp->space);
	pool_cond_init(&tp->ready);
	pool_fork_watch();
	tp->epoch = pool_fork_epoch();
	tp->init = opt->initializer;
	tp->initarg = opt->initarg;
	tp->limit = opt->queue_limit;
	tp->nworkers = workers; /* fixed before any worker reads it */
	for (unsigned i = 0; i < workers; i++) {
		tp->workers[i].tp = tp;
		int rc = pool_thread_start(&tp->workers[i].thread, worker_main, &tp->workers[i]);
		if (rc != 0) {
			tp->nworkers = i; /* the ones that did start */
			threadpool_destroy(tp);
			errno = rc;
			return NULL;
		}
	}
	pool_mutex_lock(&tp->lock);
	while (tp->inits_done < workers)
		pool_cond_wait(&tp->ready, &tp->lock);
	int err = tp->init_error;
	pool_mutex_unlock(&tp->lock);
	if (err) {
		threadpool_destroy(tp);
		errno = err;
		return NULL;
	}
	return tp;
}

/* Reserve one place in a bounded queue; false if the pool closed meanwhile. */
static bool reserve_place(struct threadpool *tp)
{
	size_t p = atomic_load(&tp->pending);
	for (;;) {
		if (p < tp->limit) {
			if (atomic_compare_exchange_weak(&tp->pending, &p, p + 1))
				return true;
			continue;
		}
		pool_mutex_lock(&tp->lock);
		tp->blocked++;
		while ((p = atomic_load(&tp->pending)) >= tp->limit &&
		       !(atomic_load(&tp->incoming) & CLOSED))
			pool_cond_wait(&tp->space, &tp->lock);
		tp->blocked--;
		pool_mutex_unlock(&tp->lock);
		if (atomic_load(&tp->incoming) & CLOSED)
			return false;
	}
}

struct future *threadpool_submit(struct threadpool *tp, threadpool_fn fn, void *arg)
{
	if (tp->epoch != pool_fork_epoch()) { /* a fork() child: no workers here */
		errno = ECHILD;
		return NULL;
	}
	struct future *f = future_create();
	if (!f) {
		errno = ENOMEM;
		return NULL;
	}
	f->exec_fn = (void *)(uintptr_t)fn;
	f->exec_arg = arg;
	future_retain(f); /* one reference for the caller, one for the pool */

	/* Rule 7: the pool's own workers (a task, a done callback) never wait
	 * for room; they would be waiting for themselves. */
	bool ok = true;
	if (tp->limit && on_own_worker(tp))
		atomic_fetch_add(&tp->pending, 1);
	else if (tp->limit)
		ok = reserve_place(tp);
	uintptr_t w = atomic_load(&tp->incoming);
	do {
		if (!ok || (w & CLOSED)) {
			if (ok && tp->limit)
				atomic_fetch_sub(&tp->pending, 1);
			future_release(f);
			future_release(f);
			errno = ESHUTDOWN;
			return NULL;
		}
		f->exec_next = stack_top(w);
	} while (!atomic_compare_exchange_weak(&tp->incoming, &w, (uintptr_t)f));

	if (atomic_load(&tp->idle) > 0) { /* rule 3: a sleeper may need us */
		pool_mutex_lock(&tp->lock);
		wake_one_locked(tp);
		pool_mutex_unlock(&tp->lock);
	}
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
	atomic_fetch_or(&tp->incoming, CLOSED); /* rule 1: no push lands after this */
	struct future *cancelled = NULL;
	size_t nbatched = 0;
	/* Room for every future the workers' batches can hold; without it
	 * (ENOMEM) those tasks are not cancelled, only the queued ones. */
	struct future **batched = cancel_pending ? malloc(tp->nworkers * BATCH_MAX * sizeof *batched)
						 : NULL;
	pool_mutex_lock(&tp->lock);
	if (cancel_pending) {
		drain_incoming_locked(tp);
		cancelled = tp->head;
		tp->head = tp->tail = NULL;
		if (tp->limit)
			atomic_fetch_sub(&tp->pending, tp->queued);
		tp->queued = 0;
		/* Rule 6: the batches the workers hold are alive (the worker keeps
		 * the pool's reference) and unchanging while published. */
		for (unsigned i = 0; i < tp->nworkers && batched; i++)
			for (struct future *f = tp->workers[i].batch; f; f = f->exec_next)
				if (future_state(f) == FUTURE_PENDING) {
					future_retain(f);
					batched[nbatched++] = f;
				}
	}
	pool_cond_broadcast(&tp->work);
	pool_cond_broadcast(&tp->space);
	pool_mutex_unlock(&tp->lock);

	/* Outside the lock: cancelling runs the futures' callbacks. */
	while (cancelled) {
		struct future *next = cancelled->exec_next;
		future_cancel(cancelled); /* false if the user cancelled it first */
		future_release(cancelled);
		cancelled = next;
	}
	for (size_t i = 0; i < nbatched; i++) { /* a worker's future_start races us */
		future_cancel(batched[i]);
		future_release(batched[i]);
	}
	free(batched);
	if (!wait)
		return;
	pool_mutex_lock(&tp->join_lock);
	if (!tp->joined) {
		for (unsigned i = 0; i < tp->nworkers; i++)
			pool_thread_join(&tp->workers[i].thread);
		tp->joined = true;
	}
	pool_mutex_unlock(&tp->join_lock);
}

void threadpool_destroy(struct threadpool *tp)
{
	threadpool_shutdown(tp, true, false);
	pool_cond_destroy(&tp->space);
	pool_cond_destroy(&tp->ready);
	pool_cond_destroy(&tp->work);
	pool_mutex_destroy(&tp->join_lock);
	pool_mutex_destroy(&tp->lock);
	free(tp);
}

struct threadpool_stats threadpool_stats(struct threadpool *tp)
{
	struct threadpool_stats st = { 0 };
	pool_mutex_lock(&tp->lock);
	drain_incoming_locked(tp); /* what workers would do next anyway */
	st.queued = tp->queued;
	for (unsigned i = 0; i < tp->nworkers; i++) /* rule 6: batches are alive */
		for (struct future *f = tp->workers[i].batch; f; f = f->exec_next)
			st.queued += future_state(f) == FUTURE_PENDING;
	st.live = tp->nworkers - tp->exited;
	st.idle = atomic_load(&tp->idle);
	pool_mutex_unlock(&tp->lock);
	return st;
}
