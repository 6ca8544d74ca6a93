/*
 * compare_work.c: weft-compare's task, and the five ways it is run and timed.
 *
 * Course idea: the same task, written once (do_job), run serially, on a
 * thread pool, on a thread pool under a GIL, on a process pool and as
 * coroutine tasks on one event loop. Only two things differ between the
 * ways, and they are struct waits: how a task waits for 1 ms (a thread or
 * process sleeps in the kernel, a GIL holder lets go of the lock around the
 * sleep, a coroutine awaits a timer and yields to the loop), and how it gives
 * the others a turn after a slice of hashing (nothing to do for the kernel's
 * threads; unlock and relock the GIL; asyncio's sleep(0)).
 *
 * Each measurement starts once the pool (or the loop) exists and stops when
 * every task's future is resolved: the same span in every way.
 *
 * Read next: weft_compare.c (the table and the chart), lib/coro/async.h.
 */
#include "compare_work.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../lib/coro/async.h"
#include "cpuwork.h"
#include "pool_os.h"
#include "procpool.h"
#include "shm_counter.h"
#include "threadpool.h"

const char *const workload_name[NWORKLOADS] = { "IO-bound", "CPU-bound" };
const char *const mode_name[NMODES] = {
	"serial", "threads", "threads + GIL", "processes", "coroutines",
};

#define SLICE_NS 5000000     /* CPython's default switch interval */

static uint64_t rounds_per_slice; /* hashing rounds that take about 5 ms */

uint64_t compare_calibrate(void)
{
	rounds_per_slice = cpuwork_calibrate(SLICE_NS, 50000000); /* over >= 50 ms */
	return rounds_per_slice;
}

static pool_mutex gil = POOL_MUTEX_INIT;

/* How a task waits for 1 ms and how it gives the others a turn after a
 * slice of hashing: the one thing that differs between the ways of running
 * it. Each returns 0, or a negative errno that ends the task. */
struct waits {
	int (*wait_1ms)(void *ctx);
	int (*give_turn)(void *ctx);
};

struct job {
	int workload;
	const struct waits *how;
};

/* ---- the work itself ---- */

/* One task: ten waits with a little work on each reply, or five slices of
 * hashing. Its result (a hash, so the work cannot be skipped) goes to *h. */
static int do_job(const struct job *j, void *ctx, uint64_t *h)
{
	*h = 1469598103934665603ULL;
	if (j->workload == IO_BOUND) {
		for (int i = 0; i < IO_WAITS; i++) {
			int err = j->how->wait_1ms(ctx);
			if (err)
				return err;
			*h = cpuwork_hash(100, *h);
		}
	} else {
		for (int i = 0; i < CPU_SLICES; i++) {
			*h = cpuwork_hash(rounds_per_slice, *h);
			int err = j->how->give_turn(ctx);
			if (err)
				return err;
		}
	}
	return 0;
}

/* A thread or a process just sleeps, and gives nothing: the kernel's
 * scheduler shares the cores without being asked. */
static int sleep_1ms(void *ctx)
{
	(void)ctx;
	nanosleep(&(struct timespec){ 0, 1000000 }, NULL);
	return 0;
}
static int nothing(void *ctx) { (void)ctx; return 0; }
static const struct waits plain = { sleep_1ms, nothing };

/* With the GIL a task holds the lock whenever it is "running Python": it
 * lets go around each wait and after each 5 ms slice of hashing (CPython's
 * switch interval). */
static int gil_sleep_1ms(void *ctx)
{
	pool_mutex_unlock(&gil);
	sleep_1ms(ctx);
	pool_mutex_lock(&gil);
	return 0;
}
static int gil_turn(void *ctx)
{
	(void)ctx;
	pool_mutex_unlock(&gil);
	pool_mutex_lock(&gil);
	return 0;
}
static const struct waits with_gil = { gil_sleep_1ms, gil_turn };

/* A coroutine awaits a timer, and gives a turn with asyncio's sleep(0):
 * both switch to the event loop, which runs whichever task is ready. */
static int coro_sleep_1ms(void *self) { return async_sleep(self, ASYNC_MS); }
static int coro_turn(void *self) { return async_sleep(self, 0); }
static const struct waits as_coroutine = { coro_sleep_1ms, coro_turn };

static int thread_task(void *arg, void **result)
{
	const struct job *j = arg;
	uint64_t h;
	if (j->how == &with_gil)
		pool_mutex_lock(&gil);
	do_job(j, NULL, &h);
	if (j->how == &with_gil)
		pool_mutex_unlock(&gil);
	*result = (void *)(uintptr_t)h;
	return 0;
}

static int process_task(const void *arg, size_t len, struct pool_bytes *out)
{
	(void)len;
	struct job j;
	memcpy(&j, arg, sizeof j); /* its `how` points into the same program: fork keeps it */
	uint64_t h;
	do_job(&j, NULL, &h);
	return pool_bytes_append(out, &h, sizeof h);
}

static int coroutine_task(struct async_task *self, void *arg, void **result)
{
	uint64_t h;
	int err = do_job(arg, self, &h);
	*result = (void *)(uintptr_t)h;
	return err;
}

/* ---- progress, driven by done callbacks ---- */

static _Atomic long finished;

static int count_done(struct future *f, void *arg)
{
	(void)f;
	(void)arg;
	atomic_fetch_add(&finished, 1);
	return 0;
}

static void progress(const char *label, long n, bool final)
{
	if (!isatty(STDERR_FILENO))
		return;
	long done = atomic_load(&finished);
	int filled = (int)(30 * done / (n ? n : 1));
	fprintf(stderr, "\r  %-28s [%.*s%*s] %ld/%ld", label, filled,
		"##############################", 30 - filled, "", done, n);
	if (final)
		fputs("\r\033[K", stderr);
	fflush(stderr);
}

/* Wait for every future, redrawing the bar ten times a second. */
static void collect(struct future **fs, long n, const char *label)
{
	for (long i = 0; i < n; i++) {
		while (future_wait(fs[i], 100000000) != 0)
			progress(label, n, false);
		if (future_state(fs[i]) != FUTURE_DONE) {
			fprintf(stderr, "weft-compare: task failed: %s\n", future_error_message(fs[i]));
			exit(1);
		}
		future_release(fs[i]);
	}
	progress(label, n, true);
}

/* ---- one measurement: seconds to run n tasks of workload w in mode m ---- */

struct bar {
	const char *label;
	long n;
};

static void count_task_done(struct afuture *f, void *arg)
{
	const struct bar *b = arg;
	(void)f;
	atomic_fetch_add(&finished, 1);
	progress(b->label, b->n, false);
}

/* Every task as a coroutine on one event loop in this thread: spawned at
 * once (as the pools get every task submitted at once), then the loop runs
 * until all have finished. Each task's future must end DONE. */
static void run_coroutines(const struct job *j, long n, const char *label)
{
	struct async_loop *loop = async_loop_create(NULL, NULL);
	struct afuture **fs = calloc((size_t)n, sizeof *fs);
	struct bar bar = { label, n };
	if (!loop || !fs) {
		perror("weft-compare: async_loop_create");
		exit(1);
	}
	for (long i = 0; i < n; i++) {
		struct async_task *t = async_spawn(loop, "task", coroutine_task, (void *)j);
		if (!t || afuture_add_callback(fs[i] = async_task_future(t), count_task_done,
					       &bar) != 0) {
			perror("weft-compare: async_spawn");
			exit(1);
		}
	}
	int err = async_run(loop);
	for (long i = 0; i < n; i++) {
		if (err || afuture_state(fs[i]) != AF_DONE) {
			fprintf(stderr, "weft-compare: coroutine task failed: %s\n",
				strerror(-(err ? err : afuture_error(fs[i]))));
			exit(1);
		}
		afuture_release(fs[i]);
	}
	progress(label, n, true);
	async_loop_destroy(loop);
	free(fs);
}

double compare_measure(enum workload w, enum mode m, long n, unsigned threads, unsigned procs)
{
	char label[64];
	snprintf(label, sizeof label, "%s, %s", workload_name[w], mode_name[m]);
	struct job j = { .workload = w, .how = m == THREADS_GIL ? &with_gil : &plain };
	struct future **fs = calloc((size_t)n, sizeof *fs);
	atomic_store(&finished, 0);
	struct threadpool *tp = NULL;
	struct procpool *pp = NULL;
	if (m == THREADS || m == THREADS_GIL)
		tp = threadpool_create(threads, 0);
	else if (m == PROCESSES)
		pp = procpool_create(procs, 0);
	if ((m == THREADS || m == THREADS_GIL) && !tp) {
		perror("weft-compare: threadpool_create");
		exit(1);
	}
	if (m == PROCESSES && !pp) {
		perror("weft-compare: procpool_create");
		exit(1);
	}

	int64_t t0 = pool_now_ns();
	if (m == SERIAL) {
		for (long i = 0; i < n; i++) {
			uint64_t h;
			do_job(&j, NULL, &h);
			atomic_fetch_add(&finished, 1);
			progress(label, n, i == n - 1);
		}
	} else if (m == COROUTINES) {
		j.how = &as_coroutine;
		run_coroutines(&j, n, label);
	} else {
		for (long i = 0; i < n; i++) {
			fs[i] = tp ? threadpool_submit(tp, thread_task, &j)
				   : procpool_submit(pp, process_task, &j, sizeof j);
			future_add_done_callback(fs[i], count_done, NULL);
		}
		collect(fs, n, label);
	}
	double secs = (double)(pool_now_ns() - t0) / 1e9;
	if (tp)
		threadpool_destroy(tp);
	if (pp)
		procpool_destroy(pp);
	free(fs);
	return secs;
}

/* ---- the counter experiment ---- */

struct add_job {
	struct shm_counter *c;
	int how;
	long times;
};

static int add_task(const void *arg, size_t len, struct pool_bytes *out)
{
	(void)len;
	(void)out;
	struct add_job a;
	memcpy(&a, arg, sizeof a);
	for (long i = 0; i < a.times; i++)
		shm_counter_add(a.c, a.how, 1);
	return 0;
}

int compare_counter(unsigned procs)
{
	const long tasks = 8, times = 1000000;
	printf("Shared counter: %ld tasks x %ld increments on %u worker processes\n\n",
	       tasks, times, procs);
	printf("  %-22s %12s %12s %12s %9s\n", "method", "expected", "counted", "lost", "seconds");
	for (int how = SHM_RACY; how <= SHM_ATOMIC; how++) {
		struct shm_counter *c = shm_counter_create(); /* before the fork */
		struct procpool *pp = procpool_create(procs, 0);
		if (!c || !pp) {
			perror("weft-compare");
			return 1;
		}
		struct add_job a = { c, how, times };
		struct future *fs[8];
		int64_t t0 = pool_now_ns();
		for (long i = 0; i < tasks; i++)
			fs[i] = procpool_submit(pp, add_task, &a, sizeof a);
		atomic_store(&finished, 0);
		collect(fs, tasks, shm_method_name[how]);
		double secs = (double)(pool_now_ns() - t0) / 1e9;
		procpool_destroy(pp);
		long got = (long)shm_counter_get(c);
		printf("  %-22s %12ld %12ld %12ld %9.3f\n", shm_method_name[how], tasks * times, got,
		       tasks * times - got, secs);
		shm_counter_destroy(c);
	}
	return 0;
}
