/*
 * async.h: an event loop of tasks on stackful coroutines, Python's asyncio
 * in C.
 *
 * Course idea (chapter 10): many tasks in one thread, each written as
 * straight-line code that *awaits*: when a task waits (for a timer, a
 * descriptor, another task, work on a thread pool) it yields its coroutine
 * to the loop, which runs whatever is ready and, when nothing is, sleeps in
 * the poller until a descriptor or the next timer wakes it. The loop's
 * iteration is written as numbered steps in docs/async.md; async_loop.c
 * follows them in order.
 *
 *     struct async_loop *loop = async_loop_create(NULL, NULL);   epoll, real time
 *     struct async_task *t = async_spawn(loop, "fetch", fetch, arg);
 *     async_run(loop);                    until every task has finished
 *     afuture_result(async_task_future(t)); afuture_release(async_task_future(t));
 *
 *   inside a task:  static int fetch(struct async_task *self, void *arg, void **result)
 *     async_sleep(self, 10 * ASYNC_MS);
 *     async_readable(self, fd);
 *     async_await(self, afuture_of_another_task, &value);
 *     async_run_in_pool(self, pool, work, arg, &value);    (async_pool.c)
 *
 * Errors are negative errno values, as everywhere in weft: an await returns
 * 0 or the error; a task's body returns 0 (its future is DONE with *result),
 * -ECANCELED (CANCELLED) or another negative errno (FAILED).
 *
 * Cancellation (async_task_cancel) is delivered at the task's next await,
 * or at once to the await it is blocked in: that await returns -ECANCELED,
 * once. The task may clean up and return -ECANCELED (or carry on).
 *
 * Threads: a loop and everything on it belongs to the thread that runs it.
 * The one exception is the pool bridge, which takes results from other
 * threads through a locked queue and a wake-up descriptor (async_pool.c).
 *
 * Read next: docs/async.md, async_loop.c, afuture below.
 */
#ifndef WEFT_ASYNC_H
#define WEFT_ASYNC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "poller.h"

#define ASYNC_US 1000ull
#define ASYNC_MS 1000000ull
#define ASYNC_S  1000000000ull

struct async_loop;
struct async_task;
struct afuture;

/* The loop's clock: nanoseconds from any fixed start. Tests pass a fake one
 * (with a poller that advances it) to make timing exact. */
struct async_clock {
	uint64_t (*now)(void *ctx);
	void *ctx;
};

/* poller NULL: epoll; clock NULL: CLOCK_MONOTONIC. The loop owns the poller
 * and destroys it. NULL with errno set on failure. */
struct async_loop *async_loop_create(struct poller *poller, const struct async_clock *clock);

/* Keep up to `keep` free task stacks for reuse (64 by default): a server
 * with more tasks alive at once than that would map and unmap stacks all
 * the time. Only before the first spawn: 0, -EBUSY, -ENOMEM. */
int async_loop_keep_stacks(struct async_loop *loop, unsigned keep);

/* Every task must have finished (async_run returned 0). */
void async_loop_destroy(struct async_loop *loop);

/* Run until no task is left: 0, or -EDEADLK when tasks remain that nothing
 * can wake (no timer, no descriptor, no pool work, nothing ready). */
int async_run(struct async_loop *loop);

/* Run until f is resolved: 0, or -EDEADLK as above. */
int async_run_until(struct async_loop *loop, struct afuture *f);

/* Queue fn(arg) to run in step 3 of a later iteration (asyncio's call_soon). */
void async_call_soon(struct async_loop *loop, void (*fn)(void *arg), void *arg);

uint64_t async_now(const struct async_loop *loop);
unsigned long async_iterations(const struct async_loop *loop);

/* ---- Futures ---- */

enum afuture_state { AF_PENDING, AF_DONE, AF_FAILED, AF_CANCELLED };
#define AF_NSTATES 4
extern const char *const afuture_state_name[AF_NSTATES];

/* A done callback: runs exactly once, on the loop's thread, in step 3 of the
 * iteration after the future is resolved (or after it is added, if it was
 * already resolved). */
typedef void (*afuture_callback)(struct afuture *f, void *arg);

/* A PENDING future on `loop`, with one reference for the caller. */
struct afuture *afuture_create(struct async_loop *loop);
void afuture_retain(struct afuture *f);
void afuture_release(struct afuture *f);

/* Resolve a PENDING future: set_result -> DONE, set_error(err < 0) ->
 * FAILED, cancel -> CANCELLED. Each returns false (and changes nothing) if
 * the future was already resolved: it is resolved exactly once. */
bool afuture_set_result(struct afuture *f, void *result);
bool afuture_set_error(struct afuture *f, int err);
bool afuture_cancel(struct afuture *f);

enum afuture_state afuture_state(const struct afuture *f);
bool afuture_done(const struct afuture *f);  /* resolved, in any way */
void *afuture_result(const struct afuture *f); /* NULL unless DONE */
int afuture_error(const struct afuture *f);  /* 0, -ECANCELED, or the error */

/* -ENOMEM, or 0. remove_callback takes back one not yet queued to run
 * (true if it found it). */
int afuture_add_callback(struct afuture *f, afuture_callback cb, void *arg);
bool afuture_remove_callback(struct afuture *f, afuture_callback cb, void *arg);

/* ---- Tasks ---- */

typedef int (*async_fn)(struct async_task *self, void *arg, void **result);

/* Stack size of every task (pooled, with a guard page on Linux). weft's
 * build sets 4 KiB: a process's memory is counted in kilobytes there. */
#ifndef ASYNC_STACK
#define ASYNC_STACK (64 * 1024)
#endif

/* Start fn(self, arg, &result) as a task; it first runs in the next
 * iteration. NULL on ENOMEM. The task's future (async_task_future) carries
 * one reference for the caller: afuture_release it when done with it. */
struct async_task *async_spawn(struct async_loop *loop, const char *name, async_fn fn,
			       void *arg);
struct afuture *async_task_future(struct async_task *t);
const char *async_task_name(const struct async_task *t);
struct async_loop *async_task_loop(const struct async_task *t);

/* Ask the task to stop: its current or next await returns -ECANCELED.
 * False if it had already finished. */
bool async_task_cancel(struct async_task *t);

/* ---- Awaits: only from inside the task `self` ---- */

/* Wait for f; on DONE store its result and return 0, else its error. */
int async_await(struct async_task *self, struct afuture *f, void **result);

/* Sleep ns nanoseconds of the loop's clock; async_sleep(self, 0) just lets
 * every other ready task run once (asyncio.sleep(0)). */
int async_sleep(struct async_task *self, uint64_t ns);

/* Wait for every one of fs[0..n): 0 if all are DONE, else the error of the
 * first (in order) that is not. Cancelling the gathering task cancels the
 * futures still pending. */
int async_gather(struct async_task *self, struct afuture *const fs[], size_t n);

/* async_await with a limit: -ETIMEDOUT after timeout_ns, and then f itself
 * is cancelled (asyncio.wait_for). */
int async_wait_for(struct async_task *self, struct afuture *f, uint64_t timeout_ns,
		   void **result);

/* Wait until fd is readable / writable (or has an error or hang-up: the
 * next read or write will say which). -EEXIST if another task is already
 * waiting on the same descriptor. */
int async_readable(struct async_task *self, int fd);
int async_writable(struct async_task *self, int fd);
/* Close fd, waking first the task that awaits it (async_readable or
 * async_writable return 0, and its next read or write says EBADF): close a
 * descriptor a task may be awaiting with this, never with close(), which
 * epoll does not report. 0 or close's negative errno. */
int async_close(struct async_loop *loop, int fd);

/* ---- Timers without a task (async_timer.c) ---- */

/* fn(arg) at `deadline` of the loop's clock, from step 2 of the loop. The
 * timer lives in the caller's memory (nothing is allocated), must stay
 * valid while armed, and may be armed again (it moves) or disarmed at any
 * time; `armed` says whether it is still to run. Equal deadlines run in
 * the order armed. The fields are the heap's: read `armed` and `deadline`
 * only. */
struct async_timer {
	uint64_t deadline;
	uint64_t seq;      /* arms so far, when armed: the FIFO tie-break */
	void (*fn)(void *arg);
	void *arg;
	uint32_t slot;     /* its index in the loop's heap while armed */
	bool armed;
};
void async_timer_arm(struct async_loop *loop, struct async_timer *t, uint64_t deadline,
		     void (*fn)(void *), void *arg);
void async_timer_disarm(struct async_loop *loop, struct async_timer *t);

/* ---- Descriptors registered once (async_fd.c; Linux) ---- */

/* No deadline, for async_fd_wait. */
#define ASYNC_NEVER UINT64_MAX

/* A descriptor watched by the loop from async_fd_open to async_fd_close,
 * edge-triggered: no system call per wait, whatever the number of waits.
 * Because an edge is reported once, the handle remembers it (a readiness
 * bit) until the operation says EAGAIN and the caller clears it. One task
 * may wait for reading and one for writing at a time.
 *
 * `idle` (may be NULL) runs on the loop when fd becomes readable, hangs up
 * or fails while no task waits to read it: how a server gives a quiet
 * connection no task at all, and starts one when it speaks again. */
struct async_fd;
typedef void (*async_fd_idle)(struct async_fd *afd, void *arg);

/* What a poller event's key points at: step 5 of the loop calls fn. */
struct async_io {
	void (*fn)(struct async_io *io, unsigned events);
};

/* The handle's fields belong to async_fd.c; it is public only so that a
 * caller can embed it (a server's per-connection struct: one allocation
 * instead of two). */
struct async_fd {
	struct async_io io; /* first: the poller's key points here */
	int fd;
	unsigned ready;     /* POLLER_IN/OUT: an edge came since async_fd_clear */
	unsigned sticky;    /* bits a clear cannot take back: end of stream, error */
	struct async_loop *loop;
	async_fd_idle idle;
	void *arg;
	struct fd_waiter *reader, *writer; /* tasks waiting, or NULL */
};

/* NULL with errno set (EEXIST: fd already watched; ENOTSUP: the poller
 * cannot report edges). fd stays the caller's: async_fd_close does not
 * close it. */
struct async_fd *async_fd_open(struct async_loop *loop, int fd, async_fd_idle idle, void *arg);
/* -EBUSY (and nothing done) while a task waits on it; else 0. */
int async_fd_close(struct async_fd *afd);
/* The same in the caller's memory: 0 or a negative errno; and its end. */
int async_fd_init(struct async_fd *afd, struct async_loop *loop, int fd, async_fd_idle idle,
		  void *arg);
int async_fd_fini(struct async_fd *afd);
int async_fd_fileno(const struct async_fd *afd);
/* The readiness bits (POLLER_IN, POLLER_OUT): set by every edge and at
 * open, cleared by the caller with async_fd_clear when the operation says
 * EAGAIN (or a socket read comes back short: its queue is empty). Once the
 * peer has closed (POLLER_IN) or the socket failed (both), a clear leaves
 * the bit set: the next call returns at once with the end or the error,
 * whose edge may have come while unread data was still queued. */
unsigned async_fd_ready(const struct async_fd *afd);
void async_fd_clear(struct async_fd *afd, unsigned events);

/* Wait until the readiness bit of `events` (POLLER_IN or POLLER_OUT) is set
 * (at once if it is): an edge of readiness, an error or a hang-up, by the
 * absolute `deadline` of the loop's clock (ASYNC_NEVER: none). 0,
 * -ETIMEDOUT, -ECANCELED, or -EEXIST if another task already waits the
 * same way. Clear the bit first, after the EAGAIN that made you wait. */
int async_fd_wait(struct async_task *self, struct async_fd *afd, unsigned events,
		  uint64_t deadline);

/* ---- Signals delivered to the loop (async_signal.c; Linux) ---- */

/* Deliver the n signals sigs[] (SIGINT, SIGTERM...) to the loop instead of
 * their handlers: they are blocked in the calling thread (threads it
 * starts afterwards inherit that, so start pools after this) and read from
 * a signalfd. A signal sent before this call and already handled is not
 * seen again. 0, or a negative errno; once per loop. */
int async_signals_catch(struct async_loop *loop, const int *sigs, size_t n);

/* Wait for the next caught signal: its number, -ECANCELED, or -EINVAL if
 * the loop catches none. */
int async_signal_wait(struct async_task *self);

#endif
