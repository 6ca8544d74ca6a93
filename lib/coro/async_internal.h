/*
 * async_internal.h: the structures behind async.h, shared by async_*.c.
 * Not for users of the library.
 */
#ifndef WEFT_ASYNC_INTERNAL_H
#define WEFT_ASYNC_INTERNAL_H

#include "../pool/pool_os.h"
#include "async.h"
#include "coro.h"
#include "stack.h"

/* A queued call: step 3 of the loop runs these in order. */
struct async_call {
	void (*fn)(void *arg);
	void *arg;
};

struct afuture_cb {
	afuture_callback fn;
	void *arg;
	struct afuture_cb *next;
};

struct afuture {
	struct async_loop *loop;
	enum afuture_state state;
	void *result;
	int error;
	int refs;
	struct afuture_cb *callbacks; /* waiting for resolution, in the order added */
	void (*free_fn)(struct afuture *f); /* how the last release frees it (a task is bigger) */
	bool (*cancel_fn)(struct afuture *f); /* what cancel means, if not just resolving it */
};

enum async_task_state {
	TASK_READY,   /* queued to run (or running now) */
	TASK_WAITING, /* in an await, suspended */
	TASK_DONE,    /* its body returned; its future is resolved */
};

struct async_task {
	struct afuture fut; /* first: a task is its own future */
	struct coro co;
	const char *name;
	async_fn fn;
	void *arg;
	enum async_task_state state;
	bool cancelling;    /* async_task_cancel asked; the next await reports it */
	bool queued;        /* a run of it is in the ready queue */
	int status;         /* the body's return value, once DONE */
	void *result;       /* the body's *result, once DONE */
	struct async_timer sleep_timer;
};

/* The pool bridge's shared part (async_pool.c): finished work handed from
 * pool threads to the loop. */
struct async_bridge {
	pool_mutex lock;       /* guards `done`; taken by pool threads too */
	struct async_done *done;
	int wake[2];           /* a write to wake[1] makes wake[0] readable: the loop's
				  poll wakes (one eventfd on Linux, a pipe on weft) */
	struct async_io io;    /* the loop's watch on wake[0] */
	unsigned long outstanding; /* submitted, not yet back: the loop may wait for them */
};

struct fd_wait;

struct async_loop {
	struct poller *poller;
	struct async_clock clock;
	uint64_t now;                 /* step 1's reading, for the whole iteration */
	struct async_call *ready;     /* a ring of queued calls */
	size_t ready_cap, ready_head, ready_len;
	struct async_timer **timers;  /* a min-heap: timers[0] is the soonest (async_timer.c) */
	size_t ntimers, timers_cap;
	uint64_t timer_seq;           /* arms so far: the FIFO tie-break */
	struct async_signals *signals; /* async_signal.c, or NULL */
	void (*signals_fini)(struct async_loop *loop); /* set with it: destroy calls it */
	unsigned long watchers;       /* descriptors being waited on */
	struct fd_wait *fd_waits;     /* async_readable/writable's waits (async_ops.c) */
	unsigned long live_tasks;     /* spawned and not yet DONE */
	unsigned long iterations;
	struct coro_pool *stacks;
	struct async_task *current;   /* the task running now, or NULL */
	struct async_bridge bridge;
};

/* async_timer.c: the heap. arm/disarm are O(log n); a timer may be armed
 * again (it is moved). async_timer_first is the soonest, or NULL. */
struct async_timer *async_timer_first(const struct async_loop *loop);
void async_timers_fini(struct async_loop *loop);
void async_loop_iterate(struct async_loop *loop);

/* async_task.c: suspend the running task until something wakes it. */
void async_suspend(struct async_task *self);
void async_task_wake(struct async_task *t);
/* An afuture_callback whose arg is a retained task: wakes it, releases it. */
void async_wake_cb(struct afuture *f, void *task);
/* Consume a pending cancellation: true (and the flag cleared) if there was one. */
bool async_take_cancel(struct async_task *self);

/* async_future.c */
void afuture_init(struct afuture *f, struct async_loop *loop, void (*free_fn)(struct afuture *));
/* Resolve without the cancel_fn hook: how a task's own future is resolved. */
bool afuture_resolve(struct afuture *f, enum afuture_state state, void *result, int err);

/* async_os_posix.c, async_os_weft.c: the clock, the poller, and the
 * bridge's wake-up descriptors (both non-blocking; 0 or a negative errno). */
struct async_clock async_os_clock(void);
struct poller *async_os_poller(void);
int async_os_wakeup_open(int wake[2]);
void async_os_wakeup_close(int wake[2]);

/* async_pool.c */
void async_bridge_init(struct async_loop *loop);
void async_bridge_fini(struct async_loop *loop);

#endif
