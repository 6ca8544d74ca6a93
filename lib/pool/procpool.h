/*
 * procpool.h: a pool of forked worker processes fed through pipes.
 *
 * Course idea: Python's ProcessPoolExecutor. Processes share no memory, so a
 * task's argument and result travel as bytes that the caller serialises (in
 * Python, pickle does this for you; in C you choose the format). In exchange
 * the workers run truly in parallel and one crashing cannot corrupt another.
 *
 * A task is `int fn(const void *arg, size_t len, struct pool_bytes *out)`,
 * run in a worker process. It appends its result to `out` and returns 0 (the
 * future becomes DONE and future_result() holds a copy of the bytes), or
 * returns a non-zero code (FAILED; whatever text it appended to `out` becomes
 * the error message). fn is passed as a plain function pointer: the workers
 * are fork()ed copies of this program, not exec()ed, so its address is valid
 * in them.
 *
 * What this pool promises beyond Python's:
 *   - A worker that dies (SIGKILL, a segfault, _exit) fails only the task it
 *     was running, with EOWNERDEAD and a message naming the signal or exit
 *     status ("worker 4242 killed by signal 9 (SIGKILL)"). Tasks queued
 *     behind it go to other workers, and a replacement worker is forked.
 *     Python instead marks the whole pool broken.
 *   - With a task timeout, a task still running when it expires has its
 *     worker killed; its future fails with ETIMEDOUT.
 *   - Done callbacks run in the parent, on the pool's collector thread, never
 *     in a worker (so they can touch the parent's memory).
 *   - Every child is reaped (no zombies) and every descriptor is closed when
 *     the pool is destroyed; descriptors are close-on-exec meanwhile, and
 *     closed at once in any child forked later (pool_fork.h), so another
 *     pool's workers or a plain fork() child never hold them.
 *   - Shutdown sends each idle worker an explicit stop message, waits a
 *     bounded grace period, then kills (through a pidfd, so never a recycled
 *     pid); it never waits for a child that is not its own.
 *   - A worker is handed a task only when it is idle, so a task is never
 *     stuck behind a long one while another worker idles, and every task not
 *     handed out can be cancelled.
 *   - Results are framed and checked: a task that scribbles on its worker's
 *     result pipe fails alone, with EPROTO, and its worker is replaced.
 *   - If fork() fails while no worker is alive, the queued futures fail with
 *     the cause ("cannot fork a worker: ...") instead of waiting for ever.
 *   - No SIGCHLD handler is installed; the pool waits only for its own pids.
 *
 * Caution, as with any fork() from a threaded program: a worker is a copy of
 * the parent taken while other threads may hold locks. Tasks should use
 * their arguments and their own resources, not locks or pools of the parent.
 *
 * Read next: procpool.c (the parent's side), procpool_worker.c (the child's).
 */
#ifndef WEFT_PROCPOOL_H
#define WEFT_PROCPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "future.h"

/* A growable byte buffer: how a task hands back its result. */
struct pool_bytes {
	unsigned char *data;
	size_t len, cap;
};
int pool_bytes_append(struct pool_bytes *b, const void *p, size_t n); /* 0 or ENOMEM */
int pool_bytes_printf(struct pool_bytes *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

typedef int (*procpool_fn)(const void *arg, size_t len, struct pool_bytes *out);

struct procpool;

/* Fork `workers` processes (at least 1). task_timeout_ns > 0 kills a worker
 * whose task runs longer than that; 0 means no limit. Returns NULL with errno
 * set on failure. */
struct procpool *procpool_create(unsigned workers, int64_t task_timeout_ns);

/* Python's initializer: run in each new worker before its first task. A
 * non-zero return breaks the pool (as Python's BrokenProcessPool): every
 * queued and later task fails with that code. */
typedef int (*procpool_init_fn)(const void *arg, size_t len);

struct procpool_options {
	unsigned workers;                  /* at least 1 */
	int64_t task_timeout_ns;           /* as above; 0 = no limit */
	procpool_init_fn initializer;      /* or NULL */
	const void *initarg;               /* copied: initargs as bytes */
	size_t initarg_len;
	unsigned long max_tasks_per_child; /* replace a worker after this many; 0 = never */
	int64_t stop_grace_ns;             /* how long shutdown waits for a stopped
					    * worker to exit before killing it; 0 = 1 s */
};
struct procpool *procpool_create_with(const struct procpool_options *opt);

/* Copy arg[0..len) and queue fn on it. Returns its future (the caller owns a
 * reference), or NULL with errno = ESHUTDOWN after shutdown, ENOMEM, or
 * ECHILD in a fork() child of the pool's owner (a pool belongs to the process
 * that created it; Python's executor would deadlock there). */
struct future *procpool_submit(struct procpool *pp, procpool_fn fn, const void *arg, size_t len);

/* As threadpool_shutdown: stop accepting work; cancel what is still queued if
 * asked; with wait, return when every worker has exited and been reaped. */
void procpool_shutdown(struct procpool *pp, bool wait, bool cancel_pending);
void procpool_destroy(struct procpool *pp);

/* Python's executor.map(fn, args, timeout=, chunksize=), lazy. Items are
 * sent `chunksize` to a task (1 if 0), so many small items share one round
 * trip to a worker; at most two chunks per worker are queued or running at
 * a time, and a new one is submitted as the caller consumes results, so a
 * million items never sit in memory at once. args[i] (lens[i] bytes) must
 * stay valid until procpool_map_end(). timeout_ns counts from this call,
 * for the whole map, as in Python (negative: no limit). NULL with errno on
 * failure (EINVAL, ENOMEM, or the first submit's error). */
struct procpool_map;
struct procpool_map *procpool_map_start(struct procpool *pp, procpool_fn fn,
					const void *const args[], const size_t lens[], size_t n,
					size_t chunksize, int64_t timeout_ns);

/* The next result, in argument order: 0 with *result, *len (valid until the
 * next call), or fn's own non-zero code for this item (the map goes on; see
 * procpool_map_error()), or a pool error for every item of a chunk whose
 * worker died, ETIMEDOUT once the deadline has passed (the map is over),
 * ENOENT after the last item. */
int procpool_map_next(struct procpool_map *m, const void **result, size_t *len);
const char *procpool_map_error(const struct procpool_map *m); /* of the last item */

/* Cancel the chunks not yet started and free the map; it does not wait for
 * the running ones (their results are dropped). */
void procpool_map_end(struct procpool_map *m);

/* Python 3.14's terminate_workers()/kill_workers(): shutdown(wait=false,
 * cancel_pending=true), then send `sig` to every live worker through its
 * pidfd (no pid-reuse race). Running tasks fail ("killed by signal N"). Call
 * procpool_destroy() afterwards as usual. */
void procpool_terminate(struct procpool *pp, int sig);

/* The pids of the current workers (for tests and demonstrations that kill
 * one). Returns how many were stored. */
size_t procpool_worker_pids(struct procpool *pp, pid_t *pids, size_t max);

struct procpool_stats {
	unsigned long spawned;   /* workers forked, replacements included */
	unsigned long died;      /* workers that died unexpectedly */
	unsigned long timed_out; /* workers killed for a task past its deadline */
	unsigned long retired;   /* workers stopped after max_tasks_per_child */
	unsigned long protocol_errors; /* workers killed for a malformed result */
	size_t queued;           /* tasks waiting for a worker (monitoring) */
	unsigned live;           /* worker processes alive now */
	unsigned busy;           /* workers running a task now */
};
struct procpool_stats procpool_stats(struct procpool *pp);

#endif
