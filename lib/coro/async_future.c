/*
 * async_future.c: futures on the loop (async.h): a result that will exist
 * later, and the callbacks waiting for it.
 *
 * Course idea: asyncio.Future. Unlike lib/pool/future.h (resolved by worker
 * threads, waited on with a condition variable), this one lives on one
 * loop's thread: nothing blocks on it, and nothing locks it. Whoever wants
 * to know when it is resolved adds a callback; a task that awaits it adds
 * one that wakes the task.
 *
 * Exactly once: a future leaves PENDING once (the three setters refuse a
 * second resolution). At that moment every callback is moved, in the order
 * added, from its list to the loop's ready queue, so each runs once, later,
 * on the loop: never inside the code that resolved it, which may be halfway
 * through something. A callback added after resolution is queued at once.
 * Each queued callback holds a reference to the future until it has run.
 */
#include <errno.h>
#include <stdlib.h>

#include "async_internal.h"

const char *const afuture_state_name[AF_NSTATES] = {
	[AF_PENDING] = "pending",
	[AF_DONE] = "done",
	[AF_FAILED] = "failed",
	[AF_CANCELLED] = "cancelled",
};

struct queued_cb {
	struct afuture *f;
	afuture_callback fn;
	void *arg;
};

static void free_plain(struct afuture *f) { free(f); }

void afuture_init(struct afuture *f, struct async_loop *loop, void (*free_fn)(struct afuture *))
{
	*f = (struct afuture){ .loop = loop, .state = AF_PENDING, .refs = 1, .free_fn = free_fn };
}

struct afuture *afuture_create(struct async_loop *loop)
{
	struct afuture *f = malloc(sizeof *f);
	if (f)
		afuture_init(f, loop, free_plain);
	return f;
}

void afuture_retain(struct afuture *f) { f->refs++; }

void afuture_release(struct afuture *f)
{
	if (--f->refs > 0)
		return;
	struct afuture_cb *c = f->callbacks;
	while (c) { /* a future dropped while still pending: its callbacks never run */
		struct afuture_cb *next = c->next;
		free(c);
		c = next;
	}
	f->free_fn(f);
}

static void run_queued(void *arg)
{
	struct queued_cb *q = arg;
	q->fn(q->f, q->arg);
	afuture_release(q->f);
	free(q);
}

static void queue_callback(struct afuture *f, afuture_callback fn, void *arg)
{
	struct queued_cb *q = malloc(sizeof *q);
	if (!q)
		abort(); /* a lost callback would break "exactly once": stop instead */
	*q = (struct queued_cb){ f, fn, arg };
	afuture_retain(f);
	async_call_soon(f->loop, run_queued, q);
}

bool afuture_resolve(struct afuture *f, enum afuture_state state, void *result, int err)
{
	if (f->state != AF_PENDING)
		return false;
	f->state = state;
	f->result = result;
	f->error = err;
	struct afuture_cb *c = f->callbacks;
	f->callbacks = NULL;
	while (c) {
		struct afuture_cb *next = c->next;
		queue_callback(f, c->fn, c->arg);
		free(c);
		c = next;
	}
	return true;
}

bool afuture_set_result(struct afuture *f, void *result) { return afuture_resolve(f, AF_DONE, result, 0); }
/* A task's future is cancelled by cancelling the task (its cancel_fn): it is
 * resolved when the task's body returns, not now. */
bool afuture_cancel(struct afuture *f)
{
	if (f->state != AF_PENDING)
		return false;
	if (f->cancel_fn)
		return f->cancel_fn(f);
	return afuture_resolve(f, AF_CANCELLED, NULL, -ECANCELED);
}

bool afuture_set_error(struct afuture *f, int err)
{
	if (err == -ECANCELED)
		return afuture_cancel(f);
	return afuture_resolve(f, AF_FAILED, NULL, err < 0 ? err : -EINVAL);
}

enum afuture_state afuture_state(const struct afuture *f) { return f->state; }
bool afuture_done(const struct afuture *f) { return f->state != AF_PENDING; }
void *afuture_result(const struct afuture *f) { return f->state == AF_DONE ? f->result : NULL; }
int afuture_error(const struct afuture *f) { return f->error; }

int afuture_add_callback(struct afuture *f, afuture_callback cb, void *arg)
{
	if (f->state != AF_PENDING) {
		queue_callback(f, cb, arg);
		return 0;
	}
	struct afuture_cb *c = malloc(sizeof *c), **tail = &f->callbacks;
	if (!c)
		return -ENOMEM;
	*c = (struct afuture_cb){ cb, arg, NULL };
	while (*tail)
		tail = &(*tail)->next;
	*tail = c;
	return 0;
}

bool afuture_remove_callback(struct afuture *f, afuture_callback cb, void *arg)
{
	for (struct afuture_cb **p = &f->callbacks; *p; p = &(*p)->next) {
		if ((*p)->fn == cb && (*p)->arg == arg) {
			struct afuture_cb *c = *p;
			*p = c->next;
			free(c);
			return true;
		}
	}
	return false;
}
