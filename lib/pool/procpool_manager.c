/*
 * procpool_manager.c: the parent's collector thread, which owns every worker.
 *
 * Course idea: ProcessPoolExecutor's management thread. One thread in the
 * parent feeds the workers' pipes, collects results, runs done callbacks,
 * notices deaths and overdue tasks, reaps, and forks replacements. Keeping all
 * of that on one thread means a worker's pipes and pid are never touched by
 * two threads at once, and no SIGCHLD handler is needed: a pidfd (a file
 * descriptor that becomes readable when its process exits) sits in the same
 * poll() as the pipes.
 *
 * ONE ITERATION OF THE LOOP, in order:
 *   1. dispatch  hand the oldest queued task to each idle worker (one task
 *                per worker: a task waits in the queue, where it can still be
 *                cancelled and any worker can take it, never in a pipe
 *                behind a long task); with a broken pool, fail the queue;
 *   2. stop      send the stop message to each idle worker that must go:
 *                shutting down with nothing queued, or max_tasks_per_child
 *                reached; SIGKILL one that outlives its grace period;
 *   3. write     push out buffers into the task pipes, without blocking;
 *   4. respawn   fork a worker into every empty place (unless shutting down
 *                with nothing left to run); if that fails with no worker
 *                alive, fail the queued futures with the cause;
 *   5. exit?     shutting down, nothing queued, no worker left: stop;
 *   6. sleep     poll() the wake eventfd, result pipes, pidfds, and task pipes
 *                that have unwritten bytes, until the nearest deadline;
 *   7. read      check result packets and resolve futures (callbacks run
 *                here; procpool_results.c);
 *   8. reap      for each exited worker: read its last packets, waitpid() it,
 *                fail or requeue its task (procpool_results.c);
 *   9. deadline  SIGKILL workers whose current task is overdue (they are
 *                reaped in step 8 of a later iteration).
 *
 * The manager forks every worker (procpool_spawn.c), the first ones included.
 * SIGPIPE is blocked on this thread, so writing to a dead worker's pipe gives
 * EPIPE here instead of killing the program.
 *
 * Read next: procpool_results.c, procpool_spawn.c (birth of a worker),
 * procpool_worker.c (the other end of the pipes), shm_counter.h.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "future_exec.h"
#include "procpool_impl.h"

#define RETRY_MS 100                 /* how soon to retry a fork that failed */
#define STOP_GRACE_NS 1000000000LL   /* default time a stopped worker has to exit */

static bool can_take_work(const struct procpool *pp, const struct pp_worker *w)
{
	unsigned long max = pp->opt.max_tasks_per_child;
	return w->pid > 0 && !w->task && !w->stop_sent && !w->deadline_kill &&
	       !w->protocol_error && (max == 0 || w->ntasks < max);
}

static void encode(struct pp_buf *out, const struct pp_task_msg *msg, const void *arg)
{
	memcpy(out->data + out->end, msg, sizeof *msg);
	if (msg->len)
		memcpy(out->data + out->end + sizeof *msg, arg, msg->len);
	out->end += sizeof *msg + msg->len;
}

/* ---- 1. dispatch ---- */

/* Returns how many tasks are left queued (every worker is busy). */
static size_t dispatch(struct procpool *pp)
{
	struct pp_task *nomem = NULL, *dropped = NULL, *broken_list = NULL;
	pool_mutex_lock(&pp->lock);
	int broken = pp->broken;
	if (broken) {
		broken_list = pp->head;
		pp->head = pp->tail = NULL;
		pp->queued = 0;
	}
	for (unsigned i = 0; i < pp->nworkers && pp->head; i++) {
		struct pp_worker *w = &pp->workers[i];
		while (pp->head && can_take_work(pp, w)) {
			struct pp_task *t = pp->head;
			pp->head = t->next;
			if (!pp->head)
				pp->tail = NULL;
			pp->queued--;
			t->next = NULL;
			if (!t->started && !future_start(t->f)) { /* cancelled while queued */
				t->next = dropped;
				dropped = t;
				continue;
			}
			t->started = true;
			struct pp_task_msg msg = { .id = t->id, .fn = (uintptr_t)t->fn, .len = t->len };
			if (pp_buf_reserve(&w->out, sizeof msg + t->len) != 0) {
				t->next = nomem;
				nomem = t;
				continue;
			}
			encode(&w->out, &msg, t->arg);
			w->task = t;
		}
	}
	size_t left = pp->queued;
	pool_mutex_unlock(&pp->lock);
	/* Resolved outside the lock: callbacks may submit. */
	while (dropped) {
		struct pp_task *next = dropped->next;
		future_release(dropped->f);
		free(dropped);
		dropped = next;
	}
	char why[96];
	snprintf(why, sizeof why, "the pool is broken: a worker's initializer failed with %d",
		 broken);
	pp_fail_tasks(broken_list, broken, why);
	pp_fail_tasks(nomem, ENOMEM, "no memory to send the task to a worker");
	return left;
}

/* ---- 2. stop ---- */

/* Stop idle workers that must go; kill those past their grace period.
 * Returns the nearest grace deadline, or INT64_MAX. */
static int64_t stop_workers(struct procpool *pp, bool stopping, bool queued, int64_t now)
{
	int64_t grace = pp->opt.stop_grace_ns > 0 ? pp->opt.stop_grace_ns : STOP_GRACE_NS;
	unsigned long max = pp->opt.max_tasks_per_child;
	int64_t nearest = INT64_MAX;
	for (unsigned i = 0; i < pp->nworkers; i++) {
		struct pp_worker *w = &pp->workers[i];
		if (w->pid <= 0 || w->task)
			continue;
		bool retire = max > 0 && w->ntasks >= max;
		if (!w->stop_sent && ((stopping && !queued) || retire)) {
			struct pp_task_msg stop = { .id = 0 };
			if (pp_buf_reserve(&w->out, sizeof stop) == 0)
				encode(&w->out, &stop, NULL);
			else
				pp_signal(pp, w, SIGKILL); /* no memory even to say stop */
			w->stop_sent = true;
			w->stop_deadline = now + grace;
			if (retire && !(stopping && !queued)) {
				pool_mutex_lock(&pp->lock);
				pp->stats.retired++;
				pool_mutex_unlock(&pp->lock);
			}
		}
		if (!w->stop_sent)
			continue;
		if (now >= w->stop_deadline) {
			pp_signal(pp, w, SIGKILL); /* it had its chance */
			w->stop_deadline = INT64_MAX;
		} else if (w->stop_deadline < nearest) {
			nearest = w->stop_deadline;
		}
	}
	return nearest;
}

/* ---- 3. write ---- */

static void flush_out(struct pp_worker *w)
{
	struct pp_buf *b = &w->out;
	while (b->end > b->start) {
		ssize_t n = write(w->to_child, b->data + b->start, b->end - b->start);
		if (n > 0) {
			b->start += (size_t)n;
		} else if (n < 0 && errno == EINTR) {
			continue;
		} else if (n < 0 && errno == EPIPE) {
			/* The worker is dead; its pidfd will say so. Swallow the
			 * SIGPIPE that is now pending on this thread. */
			sigset_t s;
			sigemptyset(&s);
			sigaddset(&s, SIGPIPE);
			sigtimedwait(&s, NULL, &(struct timespec){ 0, 0 });
			b->start = b->end;
		} else {
			break; /* EAGAIN: the pipe is full; poll for POLLOUT */
		}
	}
	if (b->start == b->end)
		b->start = b->end = 0;
}

/* ---- 4. respawn ---- */

/* Fill empty places. Returns how many workers are alive; *missing tells
 * whether a fork failed (retry soon), *spawned whether one succeeded. */
static unsigned respawn(struct procpool *pp, bool wanted, bool *missing, bool *spawned)
{
	unsigned live = 0;
	int err = 0;
	for (unsigned i = 0; i < pp->nworkers; i++) {
		struct pp_worker *w = &pp->workers[i];
		if (w->pid <= 0 && wanted) {
			int e = pp_spawn_worker(pp, w);
			*spawned |= e == 0;
			if (e)
				err = e;
		}
		live += w->pid > 0;
	}
	*missing = err != 0;
	if (err && live == 0) { /* nobody can run the queue: say why, now */
		pool_mutex_lock(&pp->lock);
		struct pp_task *list = pp->head;
		pp->head = pp->tail = NULL;
		pp->queued = 0;
		pool_mutex_unlock(&pp->lock);
		char why[128];
		snprintf(why, sizeof why, "cannot fork a worker: %s (%s)", strerror(err),
			 strerrorname_np(err) ? strerrorname_np(err) : "?");
		pp_fail_tasks(list, err, why);
	}
	return live;
}

/* ---- 9. deadlines ---- */

/* Kill workers whose task is overdue; return the nearest future deadline
 * (or INT64_MAX). A task not yet started cannot expire before now + timeout. */
static int64_t check_deadlines(struct procpool *pp, int64_t now)
{
	int64_t nearest = INT64_MAX, timeout = pp->opt.task_timeout_ns;
	for (unsigned i = 0; i < pp->nworkers; i++) {
		struct pp_worker *w = &pp->workers[i];
		if (w->pid <= 0 || !w->task || w->deadline_kill || w->protocol_error)
			continue;
		uint64_t id = atomic_load_explicit(&w->slot->running, memory_order_acquire);
		int64_t due = atomic_load_explicit(&w->slot->started_ns, memory_order_relaxed) + timeout;
		if (id != w->task->id) {
			due = now + timeout;
		} else if (due <= now) {
			pp_read_results(pp, w); /* did it finish just now? */
			if (w->task && atomic_load(&w->slot->running) == w->task->id) {
				pp_signal(pp, w, SIGKILL);
				w->deadline_kill = true;
			}
			continue;
		}
		if (due < nearest)
			nearest = due;
	}
	return nearest;
}

/* ---- 6. sleep ---- */

/* Fill fds/owner with what to wait for; returns how many. */
static nfds_t poll_set(struct procpool *pp, struct pollfd *fds, struct pp_worker **owner)
{
	nfds_t n = 0;
	fds[n++] = (struct pollfd){ .fd = pp->wake_fd, .events = POLLIN };
	for (unsigned i = 0; i < pp->nworkers; i++) {
		struct pp_worker *w = &pp->workers[i];
		if (w->pid <= 0)
			continue;
		owner[n] = w;
		fds[n++] = (struct pollfd){ .fd = w->pidfd, .events = POLLIN };
		if (w->from_child >= 0) {
			owner[n] = w;
			fds[n++] = (struct pollfd){ .fd = w->from_child, .events = POLLIN };
		}
		if (w->out.end > w->out.start) {
			owner[n] = w;
			fds[n++] = (struct pollfd){ .fd = w->to_child, .events = POLLOUT };
		}
	}
	return n;
}

static int ms_until(int64_t when, int64_t now)
{
	if (when == INT64_MAX)
		return -1;
	int64_t ms = when <= now ? 0 : (when - now) / 1000000 + 1;
	return ms > 60000 ? 60000 : (int)ms;
}

/* Poll, announcing the sleep to submitters (procpool.c, THE HAND-OFF), then
 * handle what woke us. `left` is what dispatch() left queued: a different
 * count now means a submit came since, and there is no sleeping to do. */
static void sleep_and_handle(struct procpool *pp, struct pollfd *fds, struct pp_worker **owner,
			     int timeout_ms, size_t left, bool spawned)
{
	nfds_t n = poll_set(pp, fds, owner);
	pool_mutex_lock(&pp->lock);
	if (pp->queued != left || (spawned && pp->head))
		timeout_ms = 0; /* new work, or a new worker for old work */
	else
		pp->manager_asleep = true;
	pool_mutex_unlock(&pp->lock);
	int ready = poll(fds, n, timeout_ms);
	pool_mutex_lock(&pp->lock);
	pp->manager_asleep = false;
	pool_mutex_unlock(&pp->lock);
	if (ready <= 0)
		return; /* timeout, or EINTR */
	uint64_t drain;
	if (fds[0].revents && read(pp->wake_fd, &drain, sizeof drain) < 0) {
		/* EAGAIN: another iteration already drained it */
	}
	for (nfds_t k = 1; k < n; k++) /* 7. results first, so that deaths see them */
		if (fds[k].revents && fds[k].fd == owner[k]->from_child)
			pp_read_results(pp, owner[k]);
	for (nfds_t k = 1; k < n; k++) /* 8. */
		if (fds[k].revents && fds[k].fd == owner[k]->pidfd && owner[k]->pid > 0)
			pp_reap_worker(pp, owner[k]);
}

/* ---- the loop ---- */

static bool start_workers(struct procpool *pp)
{
	int err = 0;
	for (unsigned i = 0; i < pp->nworkers && !err; i++)
		err = pp_spawn_worker(pp, &pp->workers[i]);
	pool_mutex_lock(&pp->lock);
	pp->started = true;
	pp->spawn_error = err;
	if (err)
		pp->shutting_down = true;
	pool_cond_broadcast(&pp->ready);
	pool_mutex_unlock(&pp->lock);
	return err == 0;
}

void *pp_manager_main(void *arg)
{
	struct procpool *pp = arg;
	sigset_t pipe_only;
	sigemptyset(&pipe_only);
	sigaddset(&pipe_only, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_only, NULL);
	start_workers(pp); /* on failure shutting_down is set: the loop stops them */

	struct pollfd *fds = calloc(1 + 3 * pp->nworkers, sizeof *fds);
	struct pp_worker **owner = calloc(1 + 3 * pp->nworkers, sizeof *owner);
	if (!fds || !owner)
		abort(); /* a few hundred bytes; nothing sensible to do without them */
	for (;;) {
		size_t left = dispatch(pp);                                /* 1 */
		pool_mutex_lock(&pp->lock);
		bool stopping = pp->shutting_down, queued = pp->head != NULL;
		bool broken = pp->broken != 0;
		pool_mutex_unlock(&pp->lock);
		int64_t now = pool_now_ns();
		int64_t wake_at = stop_workers(pp, stopping, queued, now); /* 2 */
		for (unsigned i = 0; i < pp->nworkers; i++)                 /* 3 */
			if (pp->workers[i].pid > 0)
				flush_out(&pp->workers[i]);
		bool missing = false, spawned = false;                       /* 4 */
		unsigned live = respawn(pp, (!stopping || queued) && !broken, &missing, &spawned);
		if (stopping && !queued && live == 0)                        /* 5 */
			break;
		if (pp->opt.task_timeout_ns > 0) {
			int64_t due = check_deadlines(pp, now);
			wake_at = due < wake_at ? due : wake_at;
		}
		int timeout_ms = ms_until(wake_at, now);
		if (missing && (timeout_ms < 0 || timeout_ms > RETRY_MS))
			timeout_ms = RETRY_MS;
		sleep_and_handle(pp, fds, owner, timeout_ms, left, spawned); /* 6-8 */
		if (pp->opt.task_timeout_ns > 0)                             /* 9 */
			check_deadlines(pp, pool_now_ns());
	}
	free(fds);
	free(owner);
	return NULL;
}
