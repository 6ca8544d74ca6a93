/*
 * procpool_impl.h: the process pool's private structures and wire format.
 *
 * Course idea: what travels between the parent and a worker, and what each
 * side remembers. Shared by procpool.c (the API), procpool_manager.c (the
 * parent's collector thread), procpool_results.c (checking what workers
 * send, and burying them), procpool_spawn.c (fork) and procpool_worker.c
 * (the child, and the byte-queue helpers both sides use).
 *
 * THE WIRE. Each worker has two pipes. Down the task pipe the parent writes
 * `struct pp_task_msg` followed by `len` argument bytes, one task at a time
 * and only to an idle worker; id 0 is the stop message. The parent trusts
 * what it writes, so this pipe is a plain byte stream.
 *
 * The result pipe is in packet mode (O_DIRECT): every write() of at most
 * PIPE_BUF bytes is one packet, and every read() returns one packet. The
 * worker cuts a result into packets, each a `struct pp_packet` header and up
 * to PP_PAYLOAD_MAX bytes. The header carries the worker's magic (chosen by
 * the parent at each fork), the task id, a sequence number and the total
 * length, and the parent checks every field (procpool_results.c). A task that
 * writes into that pipe (it runs in the worker, so it can) makes a packet
 * that fails the checks: the worker is killed and only that task fails, with
 * EPROTO. Packets cannot merge with each other, so a bogus length can never
 * make the parent wait for bytes that will not come.
 *
 * THE SLOT. Each worker also has a `struct pp_slot` in a shared memory
 * mapping. Before running a task the worker stores its start time and then
 * its id; after writing the result it stores 0. When a worker dies, the
 * parent first reads every complete result left in the pipe, then looks at
 * the slot: if it names the worker's task, the task had started and fails;
 * if not, the worker died before reading it, and the task goes back to the
 * front of the queue. The same slot gives the deadline its start time.
 *
 * Read next: procpool_manager.c.
 */
#ifndef WEFT_PROCPOOL_IMPL_H
#define WEFT_PROCPOOL_IMPL_H

#include <limits.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/types.h>

#include "pool_os.h"
#include "procpool.h"

struct pp_task_msg {
	uint64_t id;  /* 0: stop, exit now */
	uint64_t fn;  /* the procpool_fn, as an integer */
	uint64_t len; /* argument bytes that follow */
};

struct pp_packet {
	uint64_t magic;   /* the worker's, as the parent chose it at fork */
	uint64_t id;      /* the task this is the result of; 0 = initializer failed */
	int64_t status;   /* the task's return value: 0 = success */
	uint64_t total;   /* result (or error text) bytes in the whole message */
	uint32_t seq;     /* 0, 1, 2, ... within one message */
	uint32_t nbytes;  /* payload bytes in this packet */
};
#define PP_PAYLOAD_MAX (PIPE_BUF - sizeof(struct pp_packet))
#define PP_RESULT_MAX ((uint64_t)1 << 30) /* a longer claimed result is a lie */

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
	bool started;          /* future is RUNNING (a dead worker never read it) */
	size_t len;
	unsigned char arg[];
};

/* A byte queue for the task pipe: what is yet to be written. */
struct pp_buf {
	unsigned char *data;
	size_t start, end, cap; /* valid bytes are data[start..end) */
};

/* The parent's view of one worker. Owned by the manager thread; pid, pidfd
 * and task are also read by other threads under pp->lock (pids, stats,
 * terminate), so they are written under it. */
struct pp_worker {
	pid_t pid;               /* 0 = no process in this place */
	int pidfd;               /* readable when the child has exited */
	int to_child;            /* write end of the task pipe (non-blocking) */
	int from_child;          /* read end of the result pipe (packets, non-blocking) */
	uint64_t magic;          /* expected in every packet from this worker */
	struct pp_task *task;    /* the task it was handed (RUNNING), or NULL: idle */
	struct pp_buf out;
	/* The result being assembled from packets. */
	unsigned char *res;
	uint64_t res_total, res_got;
	uint32_t res_seq;
	int64_t res_status;
	unsigned long ntasks;    /* results received from this process */
	bool stop_sent;          /* told to exit (shutdown, or retiring) */
	int64_t stop_deadline;   /* ... and killed if still alive at this time */
	bool deadline_kill;      /* we SIGKILLed it for overrunning its deadline */
	const char *protocol_error; /* we SIGKILLed it for this malformed packet */
	struct pp_slot *slot;
};

struct procpool {
	pool_mutex lock;
	pool_cond ready;         /* create() waits here for the first workers */

	/* Guarded by lock. */
	struct pp_task *head, *tail; /* tasks waiting for a worker */
	size_t queued;
	bool shutting_down;
	bool terminating;        /* procpool_terminate(): a dead worker's task fails */
	bool manager_asleep;     /* in poll(): a submit must write wake_fd */
	int spawn_error;         /* the first fork failure at start-up, or 0 */
	bool started;            /* initial workers spawned (or failed) */
	int broken;              /* an initializer's failure code, or 0 */
	uint64_t next_id;
	struct procpool_stats stats;

	int wake_fd;             /* an eventfd that interrupts the manager's poll */
	unsigned epoch;          /* pool_fork_epoch() of the creating process */
	struct procpool_options opt; /* constant; opt.initarg is our own copy */
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
void pp_signal(struct procpool *pp, struct pp_worker *w, int sig); /* via the pidfd */
void pp_read_results(struct procpool *pp, struct pp_worker *w);
void pp_reap_worker(struct procpool *pp, struct pp_worker *w);
void pp_fail_tasks(struct pp_task *list, int error, const char *why);
_Noreturn void pp_worker_main(const struct procpool *pp, int in_fd, int out_fd,
			      struct pp_slot *slot, uint64_t magic);

int pp_buf_reserve(struct pp_buf *b, size_t more);
void pp_buf_free(struct pp_buf *b);

#endif
