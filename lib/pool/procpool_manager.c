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
 *   1. dispatch  move queued tasks to workers with room (at most `depth` in
 *                flight each) and encode them into the workers' out buffers;
 *   2. write     push out buffers into the task pipes, without blocking;
 *   3. respawn   fork a worker into every empty place (unless shutting down
 *                with nothing left to run);
 *   4. exit?     shutting down, nothing queued, nothing in flight: stop;
 *   5. sleep     poll() the wake eventfd, result pipes, pidfds, and task pipes
 *                that have unwritten bytes, until the nearest task deadline;
 *   6. read      parse results and resolve futures (callbacks run here);
 *   7. reap      for each exited worker: read its last results, waitpid() it,
 *                fail the task its slot names, requeue the rest;
 *   8. deadline  SIGKILL workers whose current task is overdue (they are
 *                reaped in step 7 of a later iteration).
 *
 * The manager forks every worker (procpool_spawn.c), the first ones included.
 * SIGPIPE is blocked on this thread, so writing to a dead worker's pipe gives
 * EPIPE here instead of killing the program.
 *
 * Read next: procpool_spawn.c (birth and burial of a worker),
 * procpool_worker.c (the other end of the pipes), shm_counter.h.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "future_exec.h"
#include "procpool_impl.h"

#define DEPTH_MIN 2      /* tasks in flight per worker: enough to hide a round trip */
#define DEPTH_MAX 64     /* ... and at most this many, so the tail stays balanced */
#define RETRY_MS 100     /* how soon to retry a fork that failed */
#define READS_PER_WAKE 16

/* ---- 1. dispatch and 2. write ---- */

/* Returns how many tasks are left queued (every worker is full). */
static size_t dispatch(struct procpool *pp)
{
	struct pp_task *failed = NULL;
	pool_mutex_lock(&pp->lock);
	size_t depth = pp->queued / (2 * pp->nworkers); /* guided: shrink as the queue does */
	depth = depth < DEPTH_MIN ? DEPTH_MIN : depth > DEPTH_MAX ? DEPTH_MAX : depth;
	bool progress = true;
	while (pp->head && progress) { /* round robin, one task per worker per round */
		progress = false;
		for (unsigned i = 0; i < pp->nworkers && pp->head; i++) {
			struct pp_worker *w = &pp->workers[i];
			if (w->pid <= 0 || w->deadline_kill || w->ninflight >= depth)
				continue;
			struct pp_task *t = pp->head;
			pp->head = t->next;
			if (!pp->head)
				pp->tail = NULL;
			pp->queued--;
			t->next = NULL;
			progress = true;
			if (!t->started && !future_start(t->f)) { /* cancelled while queued */
				future_release(t->f);
				free(t);
				continue;
			}
			t->started = true;
			struct pp_task_msg msg = { .id = t->id, .fn = (uintptr_t)t->fn, .len = t->len };
			if (pp_buf_reserve(&w->out, sizeof msg + t->len) != 0) {
				t->next = failed;
				failed = t;
				continue;
			}
			memcpy(w->out.data + w->out.end, &msg, sizeof msg);
			memcpy(w->out.data + w->out.end + sizeof msg, t->arg, t->len);
			w->out.end += sizeof msg + t->len;
			if (w->inflight_tail)
				w->inflight_tail->next = t;
			else
				w->inflight = t;
			w->inflight_tail = t;
			w->ninflight++;
		}
	}
	size_t left = pp->queued;
	pool_mutex_unlock(&pp->lock);
	while (failed) { /* resolved outside the lock: callbacks may submit */
		struct pp_task *next = failed->next;
		future_set_error(failed->f, ENOMEM, "no memory to send the task to a worker");
		future_release(failed->f);
		free(failed);
		failed = next;
	}
	return left;
}

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

/* ---- 6. read ---- */

static void resolve(struct pp_task *t, int64_t status, const unsigned char *data, size_t len)
{
	if (status == 0) {
		unsigned char *copy = malloc(len ? len : 1);
		if (copy) {
			memcpy(copy, data, len);
			future_set_result(t->f, copy, len, free);
		} else {
			future_set_error(t->f, ENOMEM, "no memory for the result");
		}
	} else if (len > 0) {
		future_set_error(t->f, (int)status, "%.*s", (int)(len > 400 ? 400 : len), data);
	} else {
		future_set_error(t->f, (int)status, "task returned error %lld", (long long)status);
	}
	future_release(t->f);
	free(t);
}

static void read_results(struct pp_worker *w)
{
	struct pp_buf *b = &w->in;
	for (int round = 0; round < READS_PER_WAKE && w->from_child >= 0; round++) {
		if (pp_buf_reserve(b, 65536) != 0)
			return;
		ssize_t n = read(w->from_child, b->data + b->end, b->cap - b->end);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) { /* EAGAIN, or end of file: the worker is exiting */
			if (n == 0)
				pp_close_fd(&w->from_child);
			return;
		}
		b->end += (size_t)n;
		struct pp_result_msg res;
		while (b->end - b->start >= sizeof res) {
			memcpy(&res, b->data + b->start, sizeof res);
			if (b->end - b->start < sizeof res + res.len)
				break;
			struct pp_task *t = w->inflight;
			if (!t || t->id != res.id) { /* a task scribbled on our pipe */
				kill(w->pid, SIGKILL);
				b->start = b->end;
				return;
			}
			w->inflight = t->next;
			if (!w->inflight)
				w->inflight_tail = NULL;
			w->ninflight--;
			resolve(t, res.status, b->data + b->start + sizeof res, res.len);
			b->start += sizeof res + res.len;
		}
	}
}

/* ---- 7. reap ---- */

static void describe_exit(char *buf, size_t n, pid_t pid, int status, bool reaped)
{
	if (!reaped)
		snprintf(buf, n, "worker %d exited, status unknown (was SIGCHLD ignored?)", (int)pid);
	else if (WIFSIGNALED(status))
		snprintf(buf, n, "worker %d killed by signal %d (SIG%s)", (int)pid, WTERMSIG(status),
			 sigabbrev_np(WTERMSIG(status)) ? sigabbrev_np(WTERMSIG(status)) : "?");
	else
		snprintf(buf, n, "worker %d exited with status %d", (int)pid, WEXITSTATUS(status));
}

static void reap_worker(struct procpool *pp, struct pp_worker *w)
{
	read_results(w); /* results written before it died still count */
	int status = 0;
	pid_t r;
	while ((r = waitpid(w->pid, &status, 0)) < 0 && errno == EINTR)
		;
	char why[160];
	describe_exit(why, sizeof why, w->pid, status, r == w->pid);

	/* The slot names the task that was running; the rest never started. */
	uint64_t running = atomic_load_explicit(&w->slot->running, memory_order_acquire);
	struct pp_task *blamed = NULL, *requeue = NULL, *last = NULL;
	size_t nrequeue = 0;
	for (struct pp_task *t = w->inflight, *next; t; t = next) {
		next = t->next;
		t->next = NULL;
		if (t->id == running && !blamed) {
			blamed = t;
			continue;
		}
		if (last)
			last->next = t;
		else
			requeue = t;
		last = t;
		nrequeue++;
	}
	w->inflight = w->inflight_tail = NULL;
	w->ninflight = 0;
	bool deadline = w->deadline_kill;
	pid_t pid = w->pid;
	pp_release_worker(pp, w);

	pool_mutex_lock(&pp->lock);
	if (deadline)
		pp->stats.timed_out++;
	else
		pp->stats.died++;
	if (requeue) { /* to the front, in their original order */
		last->next = pp->head;
		pp->head = requeue;
		if (!pp->tail)
			pp->tail = last;
		pp->queued += nrequeue;
	}
	pool_mutex_unlock(&pp->lock);

	if (blamed) {
		if (deadline)
			future_set_error(blamed->f, ETIMEDOUT,
					 "task ran past its %lld ms deadline; worker %d was killed",
					 (long long)(pp->timeout_ns / 1000000), (int)pid);
		else
			future_set_error(blamed->f, EOWNERDEAD, "%s", why);
		future_release(blamed->f);
		free(blamed);
	}
}

/* ---- 8. deadlines ---- */

static bool in_flight(const struct pp_worker *w, uint64_t id)
{
	for (const struct pp_task *t = w->inflight; t; t = t->next)
		if (t->id == id)
			return true;
	return false;
}

/* Kill workers whose task is overdue; return the nearest future deadline
 * (or INT64_MAX). A task not yet started cannot expire before now + timeout. */
static int64_t check_deadlines(struct procpool *pp, int64_t now)
{
	int64_t nearest = INT64_MAX;
	for (unsigned i = 0; i < pp->nworkers; i++) {
		struct pp_worker *w = &pp->workers[i];
		if (w->pid <= 0 || w->ninflight == 0 || w->deadline_kill)
			continue;
		uint64_t id = atomic_load_explicit(&w->slot->running, memory_order_acquire);
		int64_t due = atomic_load_explicit(&w->slot->started_ns, memory_order_relaxed) +
			      pp->timeout_ns;
		if (id == 0 || !in_flight(w, id)) {
			due = now + pp->timeout_ns;
		} else if (due <= now) {
			read_results(w); /* did it finish just now? */
			if (atomic_load(&w->slot->running) == id && in_flight(w, id)) {
				kill(w->pid, SIGKILL); /* not reaped yet, so the pid is still its */
				w->deadline_kill = true;
			}
			continue;
		}
		if (due < nearest)
			nearest = due;
	}
	return nearest;
}

/* ---- the loop ---- */

static void stop_workers(struct procpool *pp)
{
	for (unsigned i = 0; i < pp->nworkers; i++)
		pp_close_fd(&pp->workers[i].to_child); /* end of file: the worker exits */
	for (unsigned i = 0; i < pp->nworkers; i++) {
		struct pp_worker *w = &pp->workers[i];
		if (w->pid <= 0)
			continue;
		while (waitpid(w->pid, NULL, 0) < 0 && errno == EINTR)
			;
		pp_release_worker(pp, w);
	}
}

void *pp_manager_main(void *arg)
{
	struct procpool *pp = arg;
	sigset_t pipe_only;
	sigemptyset(&pipe_only);
	sigaddset(&pipe_only, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_only, NULL);

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

	struct pollfd *fds = calloc(1 + 3 * pp->nworkers, sizeof *fds);
	struct pp_worker **owner = calloc(1 + 3 * pp->nworkers, sizeof *owner);
	if (!fds || !owner)
		abort(); /* a few hundred bytes; nothing sensible to do without them */
	for (;;) {
		size_t left = dispatch(pp);
		for (unsigned i = 0; i < pp->nworkers; i++)
			if (pp->workers[i].pid > 0)
				flush_out(&pp->workers[i]);

		pool_mutex_lock(&pp->lock);
		bool stopping = pp->shutting_down, queued = pp->head != NULL;
		pool_mutex_unlock(&pp->lock);
		bool missing = false, spawned = false, busy = false;
		for (unsigned i = 0; i < pp->nworkers; i++) {
			struct pp_worker *w = &pp->workers[i];
			if (w->pid <= 0 && (!stopping || queued)) {
				if (pp_spawn_worker(pp, w) == 0)
					spawned = true;
				else
					missing = true;
			}
			busy |= w->ninflight > 0;
		}
		if (stopping && !queued && !busy)
			break;

		int64_t now = pool_now_ns(), wake_at = INT64_MAX;
		if (pp->timeout_ns > 0)
			wake_at = check_deadlines(pp, now);
		int timeout_ms = wake_at == INT64_MAX ? -1 : (int)((wake_at - now) / 1000000 + 1);
		if (missing && (timeout_ms < 0 || timeout_ms > RETRY_MS))
			timeout_ms = RETRY_MS;

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
		/* Announce the sleep; a submit that arrived since dispatch() means
		 * there is no sleeping to do. */
		pool_mutex_lock(&pp->lock);
		if (pp->queued != left || (spawned && queued))
			timeout_ms = 0; /* new work, or a new worker for old work */
		else
			pp->manager_asleep = true;
		pool_mutex_unlock(&pp->lock);
		int ready = poll(fds, n, timeout_ms);
		pool_mutex_lock(&pp->lock);
		pp->manager_asleep = false;
		pool_mutex_unlock(&pp->lock);
		if (ready < 0)
			continue; /* EINTR */

		uint64_t drain;
		if (fds[0].revents && read(pp->wake_fd, &drain, sizeof drain) < 0) {
			/* EAGAIN: another iteration already drained it */
		}
		for (nfds_t k = 1; k < n; k++) /* results first, so that deaths see them */
			if (fds[k].revents && fds[k].fd == owner[k]->from_child)
				read_results(owner[k]);
		for (nfds_t k = 1; k < n; k++)
			if (fds[k].revents && fds[k].fd == owner[k]->pidfd && owner[k]->pid > 0)
				reap_worker(pp, owner[k]);
		if (pp->timeout_ns > 0)
			check_deadlines(pp, pool_now_ns());
	}
	stop_workers(pp);
	free(fds);
	free(owner);
	return NULL;
}
