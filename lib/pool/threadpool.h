/*
 * threadpool.h: a fixed set of worker threads that run submitted tasks.
 *
 * Course idea: Python's ThreadPoolExecutor (submit, map, shutdown), in C.
 * Threads share memory, so a task's argument and result are plain pointers;
 * compare procpool.h, where they must travel as bytes.
 *
 * A task is `int fn(void *arg, void **result)`. It returns 0 after storing its
 * result (the future becomes DONE), or a non-zero error code (the future
 * becomes FAILED with that code and the message "task returned error N (...)").
 * Either way the worker carries on with the next task: an error inside a task
 * never takes a worker, or the pool, down.
 *
 * Read next: threadpool.c, whose header comment describes the hand-off
 * between the submitter and the workers.
 */
#ifndef WEFT_THREADPOOL_H
#define WEFT_THREADPOOL_H

#include <stdbool.h>
#include <stddef.h>

#include "future.h"

struct threadpool;
typedef int (*threadpool_fn)(void *arg, void **result);

/* Start `workers` threads (at least 1). queue_limit bounds the number of tasks
 * waiting for a worker: when that many are queued, submit() blocks until a
 * worker takes one (back-pressure); a submit from one of the pool's own
 * workers (a task, or a done callback running on it) never blocks and may
 * overfill the queue, since it would be waiting for itself. 0 means
 * unbounded. Returns NULL with errno set on failure. */
struct threadpool *threadpool_create(unsigned workers, size_t queue_limit);

/* Python's initializer: run on each worker thread before it takes a task. */
typedef int (*threadpool_init_fn)(void *arg);

struct threadpool_options {
	unsigned workers;              /* at least 1 */
	size_t queue_limit;            /* as above; 0 = unbounded */
	threadpool_init_fn initializer; /* or NULL */
	void *initarg;
};

/* As threadpool_create, with an initializer. Threads never need replacing,
 * so every initializer runs once, before this returns; if one returns
 * non-zero the pool is destroyed and this returns NULL with errno set to
 * that code (where Python would break the pool at the first submit). */
struct threadpool *threadpool_create_with(const struct threadpool_options *opt);

/* Queue fn(arg) and return its future (the caller owns one reference; drop it
 * with future_release). Returns NULL with errno = ESHUTDOWN once shutdown has
 * begun, including for a submitter that was blocked by a full queue at that
 * moment, ENOMEM, or ECHILD in a fork() child of the pool's owner (the child
 * has a copy of the pool but none of its threads; Python's executor waits
 * for ever there). */
struct future *threadpool_submit(struct threadpool *tp, threadpool_fn fn, void *arg);

/* Python's map: run fn on each of args[0..n), wait for all, and store each
 * result in results[i] in order (NULL for tasks that did not succeed). Returns
 * 0 if every task succeeded, else the error of the first one (in argument
 * order) that did not. */
int threadpool_map(struct threadpool *tp, threadpool_fn fn, void *const args[], void *results[],
		   size_t n);

/* Stop accepting tasks. With cancel_pending, every task not yet started is
 * cancelled before this returns (also those a worker has taken in a batch) (its future becomes CANCELLED and its callbacks run); otherwise
 * the workers finish the queue first. With wait, return only after every
 * worker has exited; without, return at once (threadpool_destroy joins them).
 * Safe to call more than once and from several threads, but never with
 * wait=true from inside one of the pool's own tasks (it would join itself). */
void threadpool_shutdown(struct threadpool *tp, bool wait, bool cancel_pending);

/* For monitoring: tasks not yet started (queued, or waiting in a worker's
 * batch), worker threads that have not exited, and how many of them are
 * idle (asleep, or about to be, waiting for work). A snapshot: it may be
 * stale by the time it is read. */
struct threadpool_stats {
	size_t queued;
	unsigned live;
	unsigned idle;
};
struct threadpool_stats threadpool_stats(struct threadpool *tp);

/* shutdown(wait=true, cancel_pending=false), then free the pool. Futures the
 * caller still holds stay valid. */
void threadpool_destroy(struct threadpool *tp);

#endif
