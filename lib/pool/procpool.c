/*
 * procpool.c: the process pool's public calls, run on the caller's threads.
 *
 * Course idea: submit() and shutdown() of ProcessPoolExecutor. These calls only
 * touch the shared queue under pp->lock and nudge the manager thread; every
 * pipe, fork and wait belongs to the manager (procpool_manager.c), so that no
 * two threads ever race over a worker.
 *
 * THE HAND-OFF to the manager: submit appends a task under pp->lock and, if
 * the manager said it was about to sleep in poll() (manager_asleep), writes
 * to wake_fd, an eventfd in that poll set. The manager sets manager_asleep
 * under the same lock after finding the queue empty, so a task is never left
 * waiting for a poll that nobody will interrupt.
 *
 * Read next: procpool_manager.c.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include "future_exec.h"
#include "pool_fork.h"
#include "procpool_impl.h"

int pool_bytes_append(struct pool_bytes *b, const void *p, size_t n)
{
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + n)
			cap *= 2;
		unsigned char *d = realloc(b->data, cap);
		if (!d)
			return ENOMEM;
		b->data = d;
		b->cap = cap;
	}
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	return 0;
}

int pool_bytes_printf(struct pool_bytes *b, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n < 0)
		return EINVAL;
	return pool_bytes_append(b, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

static void wake_manager(struct procpool *pp)
{
	uint64_t one = 1;
	while (write(pp->wake_fd, &one, sizeof one) < 0 && errno == EINTR)
		;
}

struct procpool *procpool_create(unsigned workers, int64_t task_timeout_ns)
{
	struct procpool_options o = { .workers = workers, .task_timeout_ns = task_timeout_ns };
	return procpool_create_with(&o);
}

/* The wake eventfd, registered so that no forked child keeps it. */
static int make_wake_fd(void)
{
	pool_fork_lock();
	int fd = pool_fork_reserve_locked(1) == 0 ? eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK) : -1;
	if (fd >= 0)
		pool_fork_hold_locked(fd);
	pool_fork_unlock();
	return fd;
}

/* Everything but the manager thread; NULL with errno set on failure. */
static struct procpool *pool_alloc(const struct procpool_options *opt)
{
	unsigned workers = opt->workers;
	struct procpool *pp = calloc(1, sizeof *pp + workers * sizeof pp->workers[0]);
	void *initarg = opt->initarg_len ? malloc(opt->initarg_len) : NULL;
	if (!pp || (opt->initarg_len && !initarg)) {
		free(pp);
		free(initarg);
		errno = ENOMEM;
		return NULL;
	}
	pp->opt = *opt;
	pp->opt.initarg = initarg;
	if (initarg)
		memcpy(initarg, opt->initarg, opt->initarg_len);
	pp->slots = mmap(NULL, workers * sizeof *pp->slots, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pp->wake_fd = pp->slots == MAP_FAILED ? -1 : make_wake_fd();
	if (pp->slots == MAP_FAILED || pp->wake_fd < 0) {
		int err = errno;
		if (pp->slots != MAP_FAILED)
			munmap(pp->slots, workers * sizeof *pp->slots);
		free(initarg);
		free(pp);
		errno = err;
		return NULL;
	}
	pool_mutex_init(&pp->lock);
	pool_mutex_init(&pp->join_lock);
	pool_cond_init(&pp->ready);
	pp->nworkers = workers;
	pp->next_id = 1;
	pp->epoch = pool_fork_epoch();
	for (unsigned i = 0; i < workers; i++) {
		pp->workers[i].slot = &pp->slots[i];
		pp->workers[i].pidfd = pp->workers[i].to_child = pp->workers[i].from_child = -1;
	}
	return pp;
}

struct procpool *procpool_create_with(const struct procpool_options *opt)
{
	if (!opt || opt->workers == 0 || opt->task_timeout_ns < 0 || opt->stop_grace_ns < 0 ||
	    (opt->initarg_len && !opt->initarg)) {
		errno = EINVAL;
		return NULL;
	}
	struct procpool *pp = pool_alloc(opt);
	if (!pp)
		return NULL;
	/* The manager forks the workers itself (see procpool_manager.c for why);
	 * wait until it has, so that a failure is reported here. */
	int rc = pool_thread_start(&pp->manager, pp_manager_main, pp);
	if (rc != 0) {
		pp->joined = true; /* no thread to join */
		procpool_destroy(pp);
		errno = rc;
		return NULL;
	}
	pool_mutex_lock(&pp->lock);
	while (!pp->started)
		pool_cond_wait(&pp->ready, &pp->lock);
	rc = pp->spawn_error;
	pool_mutex_unlock(&pp->lock);
	if (rc != 0) {
		procpool_destroy(pp);
		errno = rc;
		return NULL;
	}
	return pp;
}

struct future *procpool_submit(struct procpool *pp, procpool_fn fn, const void *arg, size_t len)
{
	if (pp->epoch != pool_fork_epoch()) { /* we are a fork() child of its owner */
		errno = ECHILD;
		return NULL;
	}
	struct pp_task *t = malloc(sizeof *t + len);
	struct future *f = future_create();
	if (!t || !f) {
		free(t);
		if (f)
			future_release(f);
		errno = ENOMEM;
		return NULL;
	}
	t->next = NULL;
	t->f = f;
	t->fn = fn;
	t->started = false;
	t->len = len;
	if (len)
		memcpy(t->arg, arg, len);
	future_retain(f); /* one for the caller, one for the pool */

	pool_mutex_lock(&pp->lock);
	if (pp->shutting_down) {
		pool_mutex_unlock(&pp->lock);
		future_release(f);
		future_release(f);
		free(t);
		errno = ESHUTDOWN;
		return NULL;
	}
	t->id = pp->next_id++;
	if (pp->tail)
		pp->tail->next = t;
	else
		pp->head = t;
	pp->tail = t;
	pp->queued++;
	bool wake = pp->manager_asleep;
	pp->manager_asleep = false;
	pool_mutex_unlock(&pp->lock);
	if (wake)
		wake_manager(pp);
	return f;
}

void procpool_shutdown(struct procpool *pp, bool wait, bool cancel_pending)
{
	struct pp_task *cancelled = NULL;
	pool_mutex_lock(&pp->lock);
	pp->shutting_down = true;
	if (cancel_pending) {
		/* Tasks that were requeued after their worker died are already
		 * RUNNING and cannot be cancelled; they stay. */
		struct pp_task **link = &pp->head;
		pp->tail = NULL;
		while (*link) {
			struct pp_task *t = *link;
			if (t->started) {
				pp->tail = t;
				link = &t->next;
				continue;
			}
			*link = t->next;
			pp->queued--;
			t->next = cancelled;
			cancelled = t;
		}
	}
	pool_mutex_unlock(&pp->lock);
	wake_manager(pp);

	while (cancelled) { /* outside the lock: cancelling runs callbacks */
		struct pp_task *next = cancelled->next;
		future_cancel(cancelled->f);
		future_release(cancelled->f);
		free(cancelled);
		cancelled = next;
	}
	if (!wait)
		return;
	pool_mutex_lock(&pp->join_lock);
	if (!pp->joined) {
		pool_thread_join(&pp->manager);
		pp->joined = true;
	}
	pool_mutex_unlock(&pp->join_lock);
}

void procpool_destroy(struct procpool *pp)
{
	procpool_shutdown(pp, true, false);
	munmap(pp->slots, pp->nworkers * sizeof *pp->slots);
	pool_fork_close(&pp->wake_fd);
	free((void *)pp->opt.initarg);
	pool_cond_destroy(&pp->ready);
	pool_mutex_destroy(&pp->join_lock);
	pool_mutex_destroy(&pp->lock);
	free(pp);
}

size_t procpool_worker_pids(struct procpool *pp, pid_t *pids, size_t max)
{
	size_t n = 0;
	pool_mutex_lock(&pp->lock);
	for (unsigned i = 0; i < pp->nworkers && n < max; i++)
		if (pp->workers[i].pid > 0)
			pids[n++] = pp->workers[i].pid;
	pool_mutex_unlock(&pp->lock);
	return n;
}

struct procpool_stats procpool_stats(struct procpool *pp)
{
	pool_mutex_lock(&pp->lock);
	struct procpool_stats s = pp->stats;
	s.queued = pp->queued;
	s.live = s.busy = 0;
	for (unsigned i = 0; i < pp->nworkers; i++) {
		s.live += pp->workers[i].pid > 0;
		s.busy += pp->workers[i].task != NULL;
	}
	pool_mutex_unlock(&pp->lock);
	return s;
}

void procpool_terminate(struct procpool *pp, int sig)
{
	procpool_shutdown(pp, false, true);
	pool_mutex_lock(&pp->lock); /* the manager closes a pidfd only under it */
	pp->terminating = true; /* a task its worker never read fails, not re-runs */
	for (unsigned i = 0; i < pp->nworkers; i++)
		if (pp->workers[i].pid > 0)
			pp_signal(pp, &pp->workers[i], sig);
	pool_mutex_unlock(&pp->lock);
}
