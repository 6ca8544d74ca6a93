/*
 * future.h: a future is the receipt a pool hands back for a submitted task.
 *
 * Course idea: Python's concurrent.futures.Future. submit() returns at once
 * with a future; the caller later waits on it, reads the result or the error,
 * or asks for a callback to run when it is done. A future that has not started
 * yet can be cancelled.
 *
 * States (future_state_name[] has the printable names):
 *
 *     PENDING --start--> RUNNING --task returned 0-------> DONE
 *        |                  \-----task failed / died------> FAILED
 *        +--cancel / shutdown(cancel_pending)-----------> CANCELLED
 *        +--failed before it could start------------------> FAILED
 *
 * DONE, CANCELLED and FAILED are final ("resolved"): a future reaches exactly
 * one of them, exactly once, and never leaves it. future.c's
 * future_transition() is the only code that changes a state, and it refuses
 * every arrow not drawn above.
 *
 * Memory: a future is reference-counted. submit() gives the caller one
 * reference, which the caller drops with future_release() when finished with
 * it (after reading the result). The pool keeps its own reference until it has
 * resolved the future and run its callbacks, so releasing early is safe.
 *
 * Read next: threadpool.h (a pool that produces futures), future_exec.h (the
 * producer's side of this contract), future.c (how waiting and callbacks avoid
 * losing a wake-up), future_many.h (waiting on many at once).
 */
#ifndef WEFT_FUTURE_H
#define WEFT_FUTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum future_state {
	FUTURE_PENDING,   /* queued, not yet handed to a worker */
	FUTURE_RUNNING,   /* a worker has it; it can no longer be cancelled */
	FUTURE_DONE,      /* the task returned 0; future_result() is valid */
	FUTURE_CANCELLED, /* cancelled before it ran; it never will */
	FUTURE_FAILED,    /* the task returned an error, or its worker died */
};
#define FUTURE_NSTATES 5
extern const char *const future_state_name[FUTURE_NSTATES];

struct future;

/* A done callback. It runs exactly once, after the future is resolved: on the
 * thread that resolved it (a pool worker for the thread pool, the parent's
 * collector thread for the process pool), or at once on the caller's thread
 * if the future was already resolved when the callback was added. A non-zero
 * return is reported on stderr and counted (future_callback_failures()); it
 * does not stop the other callbacks or harm the worker. */
typedef int (*future_callback)(struct future *f, void *arg);

/* Pass as a timeout to wait without limit. */
#define FUTURE_FOREVER (-1)

enum future_state future_state(const struct future *f);
bool future_resolved(const struct future *f);

/* Block until the future is resolved or timeout_ns has passed (0 just polls,
 * FUTURE_FOREVER or any negative value waits without limit, and so does a
 * timeout too long for the clock, such as INT64_MAX). Returns 0 when resolved, ETIMEDOUT
 * otherwise. Any number of threads may wait on one future. */
int future_wait(struct future *f, int64_t timeout_ns);

/* The result of a DONE future (NULL and 0 in any other state). For the
 * process pool the bytes belong to the future and live until its last
 * reference is released. */
void *future_result(const struct future *f);
size_t future_result_len(const struct future *f);

/* 0 for a DONE or unresolved future, ECANCELED for a cancelled one, else the
 * error code of the failure (the task's own non-zero return, or a pool error
 * such as ECHILD for a worker that died). */
int future_error(const struct future *f);

/* A sentence describing the failure ("worker 1234 killed by signal 9
 * (SIGKILL)"), or "" when there is none. Valid while the caller holds a
 * reference. */
const char *future_error_message(const struct future *f);

/* Register cb(f, arg) as described above. Returns 0, or ENOMEM (the callback
 * is then not registered). */
int future_add_done_callback(struct future *f, future_callback cb, void *arg);

/* Cancel a PENDING future: returns true if it is now CANCELLED (its callbacks
 * have run), false if it had already started or was resolved. */
bool future_cancel(struct future *f);

void future_retain(struct future *f);
void future_release(struct future *f);

/* How many done callbacks have returned non-zero in this process. */
unsigned long future_callback_failures(void);

#endif
