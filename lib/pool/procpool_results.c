/*
 * procpool_results.c: what the manager believes of a worker, and burying it.
 *
 * Course idea: never trust bytes from another process. A worker runs user
 * code, and that code can write anything into the worker's result pipe, so
 * the manager checks every packet (procpool_impl.h, THE WIRE) against what
 * it knows: this worker's magic, the id of the one task it was handed, the
 * next sequence number, a total that does not change and is not absurd, a
 * payload that fits. The first packet that fails a check ends the worker
 * (SIGKILL through its pidfd) and, when it is reaped, fails its task, and
 * only its task, once, with EPROTO. Nothing it sent is believed after that.
 *
 * Reaping a worker decides the fate of the task it held: finished (its
 * result was in the pipe), failed (the slot shows it had started: killed,
 * crashed, overdue, or a protocol breaker), or never started (back to the
 * front of the queue, where another worker takes it).
 *
 * Read next: procpool_spawn.c.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "future_exec.h"
#include "pool_fork.h"
#include "procpool_impl.h"

#define PACKETS_PER_WAKE 256 /* then give the other workers their turn */

static void resolve(struct pp_task *t, int64_t status, unsigned char *data, size_t len)
{
	if (status == 0) {
		future_set_result(t->f, data, len, free); /* the future owns data now */
		data = NULL;
	} else if (len > 0) {
		future_set_error(t->f, (int)status, "%.*s", (int)(len > 400 ? 400 : len), data);
	} else {
		future_set_error(t->f, (int)status, "task returned error %lld", (long long)status);
	}
	free(data);
	future_release(t->f);
	free(t);
}

void pp_fail_tasks(struct pp_task *list, int error, const char *why)
{
	while (list) {
		struct pp_task *next = list->next;
		future_set_error(list->f, error, "%s", why);
		future_release(list->f);
		free(list);
		list = next;
	}
}

/* Stop believing this worker: kill it, and let the reaper fail its task. */
static void protocol_broken(struct procpool *pp, struct pp_worker *w, const char *what)
{
	if (!w->protocol_error) {
		w->protocol_error = what;
		pp_signal(pp, w, SIGKILL);
	}
}

/* The initializer failed in this worker: the pool is broken (Python's
 * BrokenProcessPool). The queued tasks fail in dispatch(). */
static void initializer_failed(struct procpool *pp, const struct pp_packet *h)
{
	pool_mutex_lock(&pp->lock);
	if (!pp->broken)
		pp->broken = h->status ? (int)h->status : EIO;
	pool_mutex_unlock(&pp->lock);
}

/* Check one packet of n bytes against what w may send; NULL if it is good. */
static const char *check_packet(const struct pp_worker *w, const struct pp_packet *h, size_t n)
{
	if (n < sizeof *h || h->magic != w->magic)
		return "a packet without this worker's header";
	if (h->nbytes != n - sizeof *h)
		return "a packet whose length disagrees with its header";
	if (h->id == 0)
		return h->seq == 0 && h->total == 0 && w->ntasks == 0 ? NULL
								       : "a bogus initializer report";
	if (!w->task || h->id != w->task->id)
		return "a result for a task it was not given";
	if (h->seq != w->res_seq)
		return "a packet out of sequence";
	if (h->seq == 0 && h->total > PP_RESULT_MAX)
		return "a result longer than PP_RESULT_MAX";
	if (h->seq > 0 && (h->total != w->res_total || h->status != w->res_status))
		return "a packet that changes its message's total or status";
	if (h->seq > 0 ? w->res_got + h->nbytes > w->res_total : h->nbytes > h->total)
		return "more bytes than its header announced";
	return NULL;
}

/* Take one good packet; resolve the task when its message is complete. */
static void take_packet(struct procpool *pp, struct pp_worker *w, const struct pp_packet *h)
{
	if (h->seq == 0) {
		w->res_total = h->total;
		w->res_status = h->status;
		w->res_got = 0;
		w->res = malloc(h->total ? h->total : 1);
		if (!w->res) {
			protocol_broken(pp, w, "a result too large for the parent's memory");
			return;
		}
	}
	memcpy(w->res + w->res_got, h + 1, h->nbytes);
	w->res_got += h->nbytes;
	w->res_seq++;
	if (w->res_got < w->res_total)
		return;
	struct pp_task *t = w->task;
	unsigned char *data = w->res;
	w->res = NULL;
	w->res_seq = 0;
	w->ntasks++;
	pool_mutex_lock(&pp->lock);
	w->task = NULL;
	pool_mutex_unlock(&pp->lock);
	resolve(t, w->res_status, data, w->res_total); /* callbacks run here */
}

void pp_read_results(struct procpool *pp, struct pp_worker *w)
{
	static _Thread_local unsigned char pkt[PIPE_BUF] __attribute__((aligned(8)));
	for (int round = 0; round < PACKETS_PER_WAKE && w->from_child >= 0; round++) {
		ssize_t n = read(w->from_child, pkt, sizeof pkt); /* one packet */
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) { /* EAGAIN, or end of file: the worker is exiting */
			if (n == 0)
				pool_fork_close(&w->from_child);
			return;
		}
		if (w->protocol_error)
			continue; /* nothing it sends is believed any more */
		const struct pp_packet *h = (const struct pp_packet *)pkt;
		const char *bad = check_packet(w, h, (size_t)n);
		if (bad)
			protocol_broken(pp, w, bad);
		else if (h->id == 0)
			initializer_failed(pp, h);
		else
			take_packet(pp, w, h);
		if (!w->task)
			return; /* it sends nothing more until it has a new task */
	}
}

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

/* Fail the task a dead worker had started, saying why it died. */
static void fail_started(struct procpool *pp, struct pp_task *t, const struct pp_worker *w,
			 const char *why)
{
	if (w->protocol_error)
		future_set_error(t->f, EPROTO,
				 "worker %d broke the result protocol (%s) and was killed; "
				 "did the task write to descriptors it does not own?",
				 (int)w->pid, w->protocol_error);
	else if (w->deadline_kill)
		future_set_error(t->f, ETIMEDOUT,
				 "task ran past its %lld ms deadline; worker %d was killed",
				 (long long)(pp->opt.task_timeout_ns / 1000000), (int)w->pid);
	else
		future_set_error(t->f, EOWNERDEAD, "%s", why);
	future_release(t->f);
	free(t);
}

void pp_reap_worker(struct procpool *pp, struct pp_worker *w)
{
	pp_read_results(pp, w); /* results written before it died still count */
	int status = 0;
	pid_t r;
	while ((r = waitpid(w->pid, &status, 0)) < 0 && errno == EINTR)
		;
	char why[160];
	describe_exit(why, sizeof why, w->pid, status, r == w->pid);

	/* The slot says whether the worker had started its task. */
	struct pp_task *t = w->task;
	uint64_t running = atomic_load_explicit(&w->slot->running, memory_order_acquire);
	pool_mutex_lock(&pp->lock);
	bool started = t && (running == t->id || w->protocol_error || pp->terminating);
	if (w->protocol_error)
		pp->stats.protocol_errors++;
	else if (w->deadline_kill)
		pp->stats.timed_out++;
	else if (!w->stop_sent)
		pp->stats.died++;
	if (t && !started) { /* it never read it: to the front of the queue */
		t->next = pp->head;
		pp->head = t;
		if (!pp->tail)
			pp->tail = t;
		pp->queued++;
	}
	w->task = NULL;
	pool_mutex_unlock(&pp->lock);
	if (started)
		fail_started(pp, t, w, why);
	pp_release_worker(pp, w);
}
