/*
 * procpool_impl.h: the process pool's private structures and wire format.
 *
 * Course idea: what travels between the parent and a worker, and what each
 * side remembers. Shared by procpool.c (the API), procpool_manager.c (the
 * parent's collector thread), procpool_spawn.c (fork and clean-up) and
 * procpool_worker.c (the child, and the byte-queue helpers both sides use).
 *
 * THE WIRE. Each worker has two pipes. Down the task pipe the parent writes
 * `struct pp_task_msg` followed by `len` argument bytes; up the result pipe
 * the worker writes `struct pp_result_msg` followed by `len` result bytes.
 * Messages are in order, so the parent can keep several tasks in flight per
 * worker: while a worker computes one, the next is already in its pipe.
 *
 * THE SLOT. Each worker also has a `struct pp_slot` in a shared memory
 * mapping. Before running a task the worker stores its start time and then
 * its id; after writing the result it stores 0. When a worker dies, the
 * parent first reads every complete result left in the pipe, then looks at
 * the slot: a task named there without a result is the one that was running
 * and fails; the other unfinished tasks in flight had not started and are
 * handed to another worker. The same slot lets the parent see how long the
 * current task has run, for the deadline.
 *
 * Read next: procpool_manager.c.
 */
#ifndef WEFT_PROCPOOL_IMPL_H
#define WEFT_PROCPOOL_IMPL_H

#include <stdatomic.h>
#include <stdint.h>
#include <sys/types.h>

#include "pool_os.h"
#include "procpool.h"

struct pp_task_msg {
	uint64_t id;
	uint64_t fn;  /* the procpool_fn, as an integer */
	uint64_t len; /* argument bytes that follow */
};

struct pp_result_msg {
	uint64_t id;
	int64_t status; /* the task's return value: 0 = success */
	uint64_t len;   /* result (or error text) bytes that follow */
};

struct pp_slot {
	_Atomic uint64_t running;    /* id of the task being run, or 0 */
	_Atomic int64_t started_ns;  /* pool_now_ns() when it started */
	char pad[48];                /* one cache line per worker */
};
_Static_assert(sizeof(struct pp_slot) == 64, "a slot fills one cache line");

/* A submitted task, as the parent keeps it until its future is resolved. */
struct pp_task {
	struct pp_task *next;
	struct future *f;
	uint64_t id;
	procpool_fn fn;
	bool started;          /* future is RUNNING (it was in flight before) */
	size_t len;
	unsigned char arg[];
};

/* A byte queue for a pipe: what is yet to be written, or not yet parsed. */
struct pp_buf {
	unsigned char *data;
	size_t start, end, cap; /* valid bytes are data[start..end) */
};

/* The parent's view of one worker. Owned by the manager thread; pid is also
 * read by procpool_worker_pids() under pp->lock, so it is written under it. */
struct pp_worker {
	pid_t pid;               /* 0 = no process in this place */
	int pidfd;               /* readable when the child has exited */
	int to_child;            /* write end of the task pipe (non-blocking) */
	int from_child;          /* read end of the result pipe (non-blocking) */
	struct pp_task *inflight, *inflight_tail; /* oldest first */
	unsigned ninflight;
	struct pp_buf out, in;
	bool deadline_kill;      /* we SIGKILLed it for overrunning its deadline */
	struct pp_slot *slot;
};

struct procpool {
	pool_mutex lock;
	pool_cond ready;         /* create() waits here for the first workers */

	/* Guarded by lock. */
	struct pp_task *head, *tail; /* tasks waiting for a worker */
	size_t queued;
	bool shutting_down;
	bool manager_asleep;     /* in poll(): a submit must write wake_fd */
	int spawn_error;         /* the first fork failure at start-up, or 0 */
	bool started;            /* initial workers spawned (or failed) */
	uint64_t next_id;
	struct procpool_stats stats;

	int wake_fd;             /* an eventfd that interrupts the manager's poll */
	int64_t timeout_ns;
	pool_thread manager;
	pool_mutex join_lock;
	bool joined;

	unsigned nworkers;
	struct pp_slot *slots;   /* shared mapping, nworkers slots */
	struct pp_worker workers[];
};

void *pp_manager_main(void *arg);
int pp_spawn_worker(struct procpool *pp, struct pp_worker *w); /* 0 or an errno */
void pp_release_worker(struct procpool *pp, struct pp_worker *w); /* after waitpid */
void pp_close_fd(int *fd); /* close if open, and mark closed (-1) */
_Noreturn void pp_worker_main(int in_fd, int out_fd, struct pp_slot *slot);

int pp_buf_reserve(struct pp_buf *b, size_t more);
void pp_buf_free(struct pp_buf *b);

#endif
