/*
 * pool_bench.c: weft's pools against GLib's GThreadPool, measured side by side.
 *
 * Course idea: the cost of handing work to a pool. Two workloads, 2 workers:
 *   tiny   a task that does nothing: the figure is pure pool overhead
 *          (submit, hand-off, run, resolve the future, collect it);
 *   cpu1ms a task that hashes for about 1 ms (calibrated on this machine):
 *          the figure is how well the pool scales, 2 workers against 1.
 * Each figure is the median of several runs, and the pools take turns inside
 * each run so that a noisy moment hurts them all alike. Output is one
 * "bench: NAME VALUE UNIT" line per figure on stdout (progress on stderr);
 * tools/pool-bench.sh adds the Python peers and the ratios.
 *
 * Usage: pool-bench [runs]   (default 5)
 * Read next: tools/pool_bench.py (the Python peers), tools/pool-bench.sh.
 */
#include <glib.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpuwork.h"
#include "pool_os.h"
#include "procpool.h"
#include "threadpool.h"

#define WORKERS 2
#define TINY_TASKS 400000
#define PROC_TINY_TASKS 100000
#define CPU_TASKS 400

/* ---- the workloads ---- */

static uint64_t spin_iterations; /* hashing rounds that take about 1 ms */

static int tp_tiny(void *arg, void **result) { *result = arg; return 0; }
static int tp_cpu(void *arg, void **result)
{
	(void)arg;
	*result = (void *)(uintptr_t)cpuwork_hash(spin_iterations, 1469598103934665603ULL);
	return 0;
}

static _Atomic long g_done;
static void g_tiny(gpointer data, gpointer user) { (void)data; (void)user; atomic_fetch_add(&g_done, 1); }
static void g_cpu(gpointer data, gpointer user)
{
	(void)data;
	(void)user;
	volatile uint64_t sink = cpuwork_hash(spin_iterations, 1469598103934665603ULL);
	(void)sink;
	atomic_fetch_add(&g_done, 1);
}

static int pp_tiny(const void *arg, size_t len, struct pool_bytes *out) { return pool_bytes_append(out, arg, len); }
static int pp_cpu(const void *arg, size_t len, struct pool_bytes *out)
{
	(void)arg;
	(void)len;
	uint64_t h = cpuwork_hash(spin_iterations, 1469598103934665603ULL);
	return pool_bytes_append(out, &h, sizeof h);
}

/* ---- one timed run of each pool: seconds for n tasks ---- */

static struct future **futures;

static double run_weft(unsigned workers, threadpool_fn fn, long n)
{
	int64_t t0 = pool_now_ns();
	struct threadpool *tp = threadpool_create(workers, 0);
	for (long i = 0; i < n; i++)
		futures[i] = threadpool_submit(tp, fn, (void *)(intptr_t)i);
	for (long i = 0; i < n; i++) {
		future_wait(futures[i], FUTURE_FOREVER);
		if (future_state(futures[i]) != FUTURE_DONE)
			abort();
		future_release(futures[i]);
	}
	threadpool_destroy(tp);
	return (double)(pool_now_ns() - t0) / 1e9;
}

static double run_glib(unsigned workers, GFunc fn, long n)
{
	int64_t t0 = pool_now_ns();
	atomic_store(&g_done, 0);
	GThreadPool *gp = g_thread_pool_new(fn, NULL, (gint)workers, TRUE, NULL);
	for (long i = 0; i < n; i++)
		g_thread_pool_push(gp, GINT_TO_POINTER(i + 1), NULL);
	g_thread_pool_free(gp, FALSE, TRUE); /* wait for the queue to drain */
	if (atomic_load(&g_done) != n)
		abort();
	return (double)(pool_now_ns() - t0) / 1e9;
}

static double run_proc(unsigned workers, procpool_fn fn, long n)
{
	struct procpool *pp = procpool_create(workers, 0); /* forking is not timed */
	int64_t t0 = pool_now_ns();
	for (long i = 0; i < n; i++)
		futures[i] = procpool_submit(pp, fn, &i, sizeof i);
	for (long i = 0; i < n; i++) {
		future_wait(futures[i], FUTURE_FOREVER);
		if (future_state(futures[i]) != FUTURE_DONE)
			abort();
		future_release(futures[i]);
	}
	double s = (double)(pool_now_ns() - t0) / 1e9;
	procpool_destroy(pp);
	return s;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

#define MAX_RUNS 15

int main(int argc, char **argv)
{
	int runs = argc > 1 ? atoi(argv[1]) : 5;
	if (runs < 1 || runs > MAX_RUNS)
		runs = 5;
	futures = malloc(TINY_TASKS * sizeof *futures);
	spin_iterations = cpuwork_calibrate(1000000, 20000000); /* 1 ms, over >= 20 ms */
	fprintf(stderr, "pool-bench: %d runs; 1 ms = %llu hashing rounds\n", runs,
		(unsigned long long)spin_iterations);

	/* The thread pools go first, all rounds, before anything forks: after a
	 * fork every heap page the parent touches again takes a copy-on-write
	 * fault, which would charge the process pool's start-up to whichever
	 * thread pool happened to run next. A first round is thrown away to
	 * warm up the heap and the caches. */
	double wt[MAX_RUNS], gt[MAX_RUNS], pt[MAX_RUNS];
	double w1[MAX_RUNS], w2[MAX_RUNS], g1[MAX_RUNS], g2[MAX_RUNS], p1[MAX_RUNS], p2[MAX_RUNS];
	run_weft(WORKERS, tp_tiny, TINY_TASKS);
	run_glib(WORKERS, g_tiny, TINY_TASKS);
	for (int r = 0; r < runs; r++) {
		fprintf(stderr, "pool-bench: thread pools, run %d/%d\n", r + 1, runs);
		wt[r] = TINY_TASKS / run_weft(WORKERS, tp_tiny, TINY_TASKS);
		gt[r] = TINY_TASKS / run_glib(WORKERS, g_tiny, TINY_TASKS);
		fprintf(stderr, "  tiny: weft %.0f/s, GThreadPool %.0f/s\n", wt[r], gt[r]);
		w1[r] = CPU_TASKS / run_weft(1, tp_cpu, CPU_TASKS);
		w2[r] = CPU_TASKS / run_weft(2, tp_cpu, CPU_TASKS);
		g1[r] = CPU_TASKS / run_glib(1, g_cpu, CPU_TASKS);
		g2[r] = CPU_TASKS / run_glib(2, g_cpu, CPU_TASKS);
	}
	for (int r = 0; r < runs; r++) {
		fprintf(stderr, "pool-bench: process pool, run %d/%d\n", r + 1, runs);
		pt[r] = PROC_TINY_TASKS / run_proc(WORKERS, pp_tiny, PROC_TINY_TASKS);
		p1[r] = CPU_TASKS / run_proc(1, pp_cpu, CPU_TASKS);
		p2[r] = CPU_TASKS / run_proc(2, pp_cpu, CPU_TASKS);
	}
	/* Ratios are the median of each round's own ratio: the two pools in a
	 * ratio ran back to back, so they saw the same machine. */
	double ratio[MAX_RUNS], cpu_ratio[MAX_RUNS], sw[MAX_RUNS], sg[MAX_RUNS], sp[MAX_RUNS];
	for (int r = 0; r < runs; r++) {
		ratio[r] = wt[r] / gt[r];
		cpu_ratio[r] = w2[r] / g2[r];
		sw[r] = w2[r] / w1[r];
		sg[r] = g2[r] / g1[r];
		sp[r] = p2[r] / p1[r];
	}
	printf("bench: threadpool_tiny_weft %.0f tasks/s\n", median(wt, runs));
	printf("bench: threadpool_tiny_gthreadpool %.0f tasks/s\n", median(gt, runs));
	printf("bench: threadpool_tiny_vs_gthreadpool %.2f x\n", median(ratio, runs));
	printf("bench: procpool_tiny_weft %.0f tasks/s\n", median(pt, runs));
	printf("bench: threadpool_cpu1ms_weft %.0f tasks/s\n", median(w2, runs));
	printf("bench: threadpool_cpu1ms_gthreadpool %.0f tasks/s\n", median(g2, runs));
	printf("bench: threadpool_cpu1ms_vs_gthreadpool %.2f x\n", median(cpu_ratio, runs));
	printf("bench: procpool_cpu1ms_weft %.0f tasks/s\n", median(p2, runs));
	printf("bench: threadpool_cpu1ms_scaling_weft %.2f x\n", median(sw, runs));
	printf("bench: threadpool_cpu1ms_scaling_gthreadpool %.2f x\n", median(sg, runs));
	printf("bench: procpool_cpu1ms_scaling_weft %.2f x\n", median(sp, runs));
	free(futures);
	return 0;
}
