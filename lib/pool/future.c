/*
 * future.c: future states, waiting with a timeout, and done callbacks.
 *
 * Course idea: the Future object behind every pool. The hard part is not the
 * states but the race between "a task finishes" and "someone starts waiting
 * or adds a callback": done naively, the finisher checks for waiters a moment
 * before a waiter arrives, and the waiter sleeps for ever (a lost wake-up).
 *
 * How this file avoids it:
 *   1. The state and two flags, FUT_WAITERS ("someone may be asleep on me") and
 *      FUT_CALLBACKS ("my callback list is not empty"), share one atomic word.
 *   2. The finisher changes the state with one compare-and-swap, and that same
 *      operation tells it which flags were set at the instant the future
 *      became final. If none were, nobody is waiting and nothing must run: the
 *      fast path costs one atomic operation and takes no lock.
 *   3. A waiter (or a callback adder) takes the future's wait-channel lock and
 *      sets its flag with a compare-and-swap that fails if the future became
 *      final first. Either the flag lands before the final state (and the
 *      finisher sees it, takes the same lock, and wakes or runs), or the
 *      compare-and-swap fails and the waiter sees the final state itself.
 *
 * Wait channels are xv6's sleep(chan)/wakeup(chan) idea: instead of a mutex and
 * a condvar inside every future (80 bytes, and set-up cost per task), futures
 * hash by address onto a small fixed table of lock+condvar pairs. Waking a
 * channel wakes everyone asleep on it; each re-checks its own future.
 *
 * Read next: threadpool.c, which creates, starts and resolves futures.
 */
#include "future_exec.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pool_os.h"

#define FUT_STATE_MASK 0x7u
#define FUT_WAITERS    0x8u  /* a thread may be asleep on this future's channel */
#define FUT_CALLBACKS  0x10u /* f->callbacks is not empty */

const char *const future_state_name[FUTURE_NSTATES] = {
	[FUTURE_PENDING] = "pending",     [FUTURE_RUNNING] = "running",
	[FUTURE_DONE] = "done",           [FUTURE_CANCELLED] = "cancelled",
	[FUTURE_FAILED] = "failed",
};

/* The arrows of the diagram in future.h; every other move is refused. */
static const bool legal[FUTURE_NSTATES][FUTURE_NSTATES] = {
	[FUTURE_PENDING] = { [FUTURE_RUNNING] = true, [FUTURE_CANCELLED] = true,
			     [FUTURE_FAILED] = true },
	[FUTURE_RUNNING] = { [FUTURE_DONE] = true, [FUTURE_FAILED] = true },
};

struct future_cb {
	struct future_cb *next;
	future_callback fn;
	void *arg;
};

static _Atomic unsigned long callback_failures;

/* ---- wait channels ---- */

#define NCHANNELS 32
static struct channel {
	pool_mutex lock; /* guards the callback lists of the futures on this channel */
	pool_cond wake;  /* broadcast when any future on this channel resolves */
} channels[NCHANNELS];
static pool_once channels_once = POOL_ONCE_INIT;

static void channels_init(void)
{
	for (int i = 0; i < NCHANNELS; i++) {
		pool_mutex_init(&channels[i].lock);
		pool_cond_init(&channels[i].wake);
	}
}

static struct channel *channel_of(const struct future *f)
{
	pool_run_once(&channels_once, channels_init);
	uintptr_t h = (uintptr_t)f >> 6; /* futures are at least 64 bytes apart */
	return &channels[(h ^ (h >> 7)) % NCHANNELS];
}

static bool is_final(uint32_t word) { return (word & FUT_STATE_MASK) >= FUTURE_DONE; }

/* ---- the one state transition ---- */

/* Move f to state `to` if the arrow from its current state is legal. On
 * success *old gets the whole word as it was just before (flags included).
 * The acq_rel order publishes the result fields written before a final
 * transition to any thread that then reads the state with acquire. */
static bool future_transition(struct future *f, enum future_state to, uint32_t *old)
{
	uint32_t w = atomic_load_explicit(&f->word, memory_order_relaxed);
	do {
		if (!legal[w & FUT_STATE_MASK][to])
			return false;
	} while (!atomic_compare_exchange_weak_explicit(&f->word, &w, (w & ~FUT_STATE_MASK) | to,
							memory_order_acq_rel, memory_order_relaxed));
	*old = w;
	return true;
}

static void run_callback(struct future *f, struct future_cb *cb)
{
	int rc = cb->fn(f, cb->arg);
	if (rc != 0) {
		atomic_fetch_add(&callback_failures, 1);
		fprintf(stderr, "future: done callback %p failed with %d; carrying on\n",
			(void *)(uintptr_t)cb->fn, rc);
	}
}

/* After f became final: wake its waiters and run its callbacks, in the order
 * they were added, if the flags in `old` say there are any. */
static void future_settle(struct future *f, uint32_t old)
{
	if (!(old & (FUT_WAITERS | FUT_CALLBACKS)))
		return;
	struct channel *ch = channel_of(f);
	pool_mutex_lock(&ch->lock);
	struct future_cb *list = f->callbacks;
	f->callbacks = NULL;
	if (old & FUT_WAITERS)
		pool_cond_broadcast(&ch->wake);
	pool_mutex_unlock(&ch->lock);

	struct future_cb *ordered = NULL; /* the list was built newest first */
	while (list) {
		struct future_cb *next = list->next;
		list->next = ordered;
		ordered = list;
		list = next;
	}
	while (ordered) {
		struct future_cb *next = ordered->next;
		run_callback(f, ordered);
		free(ordered);
		ordered = next;
	}
}

/* ---- executor side ---- */

struct future *future_create(void)
{
	struct future *f = calloc(1, sizeof *f);
	if (f) {
		atomic_init(&f->word, FUTURE_PENDING);
		atomic_init(&f->refs, 1);
	}
	return f;
}

bool future_start(struct future *f)
{
	uint32_t old;
	return future_transition(f, FUTURE_RUNNING, &old);
}

void future_set_result(struct future *f, void *result, size_t len, void (*result_free)(void *))
{
	f->result = result;
	f->result_len = len;
	f->result_free = result_free;
	uint32_t old;
	if (!future_transition(f, FUTURE_DONE, &old)) {
		fprintf(stderr, "future: set_result on a %s future\n",
			future_state_name[future_state(f)]);
		abort();
	}
	future_settle(f, old);
}

void future_set_error(struct future *f, int error, const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	/* Only the resolver writes these, and only once: a second set_error aborts
	 * below before anyone could read a torn value. */
	f->error = error ? error : EIO;
	f->error_msg = strdup(buf);
	uint32_t old;
	if (!future_transition(f, FUTURE_FAILED, &old)) {
		fprintf(stderr, "future: set_error on a %s future\n",
			future_state_name[future_state(f)]);
		abort();
	}
	future_settle(f, old);
}

/* ---- user side ---- */

enum future_state future_state(const struct future *f)
{
	return atomic_load_explicit(&f->word, memory_order_acquire) & FUT_STATE_MASK;
}

bool future_resolved(const struct future *f) { return future_state(f) >= FUTURE_DONE; }

int future_wait(struct future *f, int64_t timeout_ns)
{
	if (future_resolved(f))
		return 0;
	if (timeout_ns == 0)
		return ETIMEDOUT;
	/* A timeout so long that the deadline would overflow is "for ever". */
	int64_t now = pool_now_ns();
	if (timeout_ns > INT64_MAX - now)
		timeout_ns = FUTURE_FOREVER;
	int64_t deadline = timeout_ns < 0 ? 0 : now + timeout_ns;
	struct channel *ch = channel_of(f);
	int rc = 0;
	pool_mutex_lock(&ch->lock);
	for (;;) {
		uint32_t w = atomic_load_explicit(&f->word, memory_order_acquire);
		if (is_final(w))
			break;
		/* Announce ourselves; if the future resolves first the CAS fails
		 * and the next loop sees the final state. */
		if (!(w & FUT_WAITERS) &&
		    !atomic_compare_exchange_strong(&f->word, &w, w | FUT_WAITERS))
			continue;
		if (timeout_ns < 0) {
			pool_cond_wait(&ch->wake, &ch->lock);
		} else if (!pool_cond_timedwait(&ch->wake, &ch->lock, deadline)) {
			rc = future_resolved(f) ? 0 : ETIMEDOUT;
			break;
		}
	}
	pool_mutex_unlock(&ch->lock);
	return rc;
}

void *future_result(const struct future *f)
{
	return future_state(f) == FUTURE_DONE ? f->result : NULL;
}

size_t future_result_len(const struct future *f)
{
	return future_state(f) == FUTURE_DONE ? f->result_len : 0;
}

int future_error(const struct future *f)
{
	switch (future_state(f)) {
	case FUTURE_CANCELLED: return ECANCELED;
	case FUTURE_FAILED: return f->error;
	default: return 0;
	}
}

const char *future_error_message(const struct future *f)
{
	switch (future_state(f)) {
	case FUTURE_CANCELLED: return "cancelled before it ran";
	case FUTURE_FAILED: return f->error_msg ? f->error_msg : "failed (no memory for the message)";
	default: return "";
	}
}

int future_add_done_callback(struct future *f, future_callback cb, void *arg)
{
	struct future_cb *node = malloc(sizeof *node);
	if (!node)
		return ENOMEM;
	node->fn = cb;
	node->arg = arg;
	struct channel *ch = channel_of(f);
	pool_mutex_lock(&ch->lock);
	uint32_t w = atomic_load_explicit(&f->word, memory_order_acquire);
	while (!is_final(w)) {
		/* Set the flag first: the list itself is guarded by ch->lock, which
		 * the resolver must take before it reads the list. */
		if (atomic_compare_exchange_weak(&f->word, &w, w | FUT_CALLBACKS)) {
			node->next = f->callbacks;
			f->callbacks = node;
			pool_mutex_unlock(&ch->lock);
			return 0;
		}
	}
	pool_mutex_unlock(&ch->lock);
	run_callback(f, node); /* already resolved: run at once, on our thread */
	free(node);
	return 0;
}

bool future_cancel(struct future *f)
{
	uint32_t old;
	if (!future_transition(f, FUTURE_CANCELLED, &old))
		return false;
	future_settle(f, old);
	return true;
}

void future_retain(struct future *f) { atomic_fetch_add_explicit(&f->refs, 1, memory_order_relaxed); }

void future_release(struct future *f)
{
	if (atomic_fetch_sub_explicit(&f->refs, 1, memory_order_acq_rel) != 1)
		return;
	if (f->result_free)
		f->result_free(f->result);
	free(f->error_msg);
	while (f->callbacks) { /* only if it was never resolved */
		struct future_cb *next = f->callbacks->next;
		free(f->callbacks);
		f->callbacks = next;
	}
	free(f);
}

unsigned long future_callback_failures(void) { return atomic_load(&callback_failures); }
