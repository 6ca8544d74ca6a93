/*
 * future_many.h: waiting on many futures at once, from a thread or an event loop.
 *
 * Course idea: concurrent.futures.wait() and as_completed(), plus what a
 * libuv or GLib user expects: a file descriptor that becomes readable when a
 * result is ready, so an event loop (epoll, poll, weft's coroutines) can wait
 * for pool results alongside sockets, without a thread blocked in a wait.
 *
 * The one mechanism is a completion queue. future_queue_add(q, f) registers
 * a done callback on f that appends f to q when it resolves (at once if it
 * already has). future_queue_next() hands them back in the order they
 * resolved, and q's descriptor is readable exactly while q holds one.
 * future_wait_many() and as_completed are small loops over a queue.
 *
 * A future's done callbacks cannot be removed, so a queue outlives
 * future_queue_destroy() until every future added to it has resolved; its
 * last callback frees it. Destroying a queue never waits.
 *
 * Read next: future_many.c.
 */
#ifndef WEFT_FUTURE_MANY_H
#define WEFT_FUTURE_MANY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "future.h"

struct future_queue;

/* NULL with errno set (ENOMEM, or the eventfd's error) on failure. */
struct future_queue *future_queue_create(void);

/* Watch f: when it resolves, it is appended to q. The queue takes its own
 * reference to f. Returns 0 or ENOMEM. */
int future_queue_add(struct future_queue *q, struct future *f);

/* The next resolved future, oldest resolution first; the caller owns the
 * returned reference (future_release). Waits up to timeout_ns (0 polls,
 * negative waits without limit). NULL with errno = ETIMEDOUT when none
 * resolved in time, or ENOENT when every added future was already returned. */
struct future *future_queue_next(struct future_queue *q, int64_t timeout_ns);

/* Readable (POLLIN) exactly while a resolved future waits in q. Only
 * future_queue_next() may read it; put it in poll/epoll, never read it. */
int future_queue_fd(const struct future_queue *q);

/* Futures added and not yet returned by future_queue_next(). */
size_t future_queue_waiting(struct future_queue *q);

/* Drop the queue and the futures it holds; see the header comment. */
void future_queue_destroy(struct future_queue *q);

/* Python's as_completed(fs): a queue watching fs[0..n). Loop on
 * future_queue_next() until it says ENOENT; destroy it after. */
struct future_queue *future_as_completed(struct future *const fs[], size_t n);

enum future_return_when {
	FUTURE_FIRST_COMPLETED, /* any future resolved */
	FUTURE_FIRST_EXCEPTION, /* any future FAILED (not cancelled); else as ALL */
	FUTURE_ALL_COMPLETED,   /* every future resolved */
};

/* Python's wait(fs, timeout, return_when). Returns 0 when the condition
 * holds, ETIMEDOUT if timeout_ns (negative: no limit) passed first, or
 * ENOMEM. If done is not NULL, done[i] tells whether fs[i] had resolved
 * when the call returned (Python's `done` set; the rest are `not_done`). */
int future_wait_many(struct future *const fs[], size_t n, enum future_return_when when,
		     int64_t timeout_ns, bool done[]);

#endif
