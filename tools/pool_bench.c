/*
 * pool_bench.c: weft's pools against GLib's GThreadPool, one round of measurements.
 *
 * Course idea: the cost of handing work to a pool. Two workloads:
 *   tiny  a task that does nothing: the figure is pure pool overhead
 *         (submit, hand-off, run, resolve the future, collect it);
 *   cpu   a task that hashes a fixed CPU_ROUNDS times (about 1.4 ms on the
 *         development machine; fixed, never calibrated, so that a loaded
 *         machine shows up as fewer tasks/s instead of as lighter tasks),
 *         run on 1 worker and on 2: their ratio is how well the pool scales.
 *
 * A benchmark on a shared machine holds still only if what is compared saw
 * the same machine. So one run of this program is one round, in which each
 * pair runs back to back, in the order --order says (tools/pool-bench.sh
 * alternates it from round to round, so neither pool always runs first on a
 * cold cache), and the round is bracketed by a control: the same fixed
 * hashing on one thread, timed alone. If the control moves between rounds,
 * the machine was busy. The pool-bench.sh driver pins every program to the
 * same cores, runs the rounds, and pool_bench_stats.py pairs the figures
 * round by round and reports medians with their spread.
 *
 * Output, on stdout, one line per figure:   round R weft NAME VALUE UNIT
 * (plus "cpus weft LIST", the cores this process may run on). Progress and
 * errors go to stderr. Usage: pool-bench --help.
 *
 * Read next: tools/pool_bench.py (the Python peers), tools/pool-bench.sh.
 */
#include <errno.h>
#include <getopt.h>
#include <glib.h>
#include <sched.h>
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
#define CPU_ROUNDS 1000000      /* hashing rounds per cpu task: fixed work */
#define CONTROL_ROUNDS 20000000 /* the control: 20 cpu tasks' worth, one thread */

static long tiny_tasks = 400000, proc_tiny_tasks = 100000, cpu_tasks = 200;

/* ---- the workloads ---- */

static int tp_tiny(void *arg, void **result) { *result = arg; return 0; }
static int tp_cpu(void *arg, void **result)
{
	(void)arg;
	*result = (void *)(uintptr_t)cpuwork_hash(CPU_ROUNDS, 1469598103934665603ULL);
	return 0;
}

static _Atomic long g_done;
static void g_tiny(gpointer data, gpointer user) { (void)data; (void)user; atomic_fetch_add(&g_done, 1); }
static void g_cpu(gpointer data, gpointer user)
{
	(void)data;
	(void)user;
	volatile uint64_t sink = cpuwork_hash(CPU_ROUNDS, 1469598103934665603ULL);
	(void)sink;
	atomic_fetch_add(&g_done, 1);
}

static int pp_tiny(const void *arg, size_t len, struct pool_bytes *out) { return pool_bytes_append(out, arg, len); }
static int pp_cpu(const void *arg, size_t len, struct pool_bytes *out)
{
	(void)arg;
	(void)len;
	uint64_t h = cpuwork_hash(CPU_ROUNDS, 1469598103934665603ULL);
	return pool_bytes_append(out, &h, sizeof h);
}

/* ---- one timed run of each pool: tasks per second ---- */

static struct future **futures;

static void must_be_done(struct future *f)
{
	future_wait(f, FUTURE_FOREVER);
	if (future_state(f) != FUTURE_DONE) {
		fprintf(stderr, "pool-bench: a task failed: %s\n", future_error_message(f));
		exit(1);
	}
	future_release(f);
}

static double run_weft(unsigned workers, threadpool_fn fn, long n)
{
	int64_t t0 = pool_now_ns();
	struct threadpool *tp = threadpool_create(workers, 0);
	if (!tp) {
		perror("pool-bench: threadpool_create");
		exit(1);
	}
	for (long i = 0; i < n; i++)
		futures[i] = threadpool_submit(tp, fn, (void *)(intptr_t)i);
	for (long i = 0; i < n; i++)
		must_be_done(futures[i]);
	threadpool_destroy(tp);
	return (double)n * 1e9 / (double)(pool_now_ns() - t0);
}

static double run_glib(unsigned workers, GFunc fn, long n)
{
	int64_t t0 = pool_now_ns();
	atomic_store(&g_done, 0);
	GThreadPool *gp = g_thread_pool_new(fn, NULL, (gint)workers, TRUE, NULL);
	for (long i = 0; i < n; i++)
		g_thread_pool_push(gp, GINT_TO_POINTER(i + 1), NULL);
	g_thread_pool_free(gp, FALSE, TRUE); /* wait for the queue to drain */
	if (atomic_load(&g_done) != n) {
		fprintf(stderr, "pool-bench: GThreadPool ran %ld of %ld tasks\n", atomic_load(&g_done), n);
		exit(1);
	}
	return (double)n * 1e9 / (double)(pool_now_ns() - t0);
}

static double run_proc(unsigned workers, procpool_fn fn, long n)
{
	struct procpool *pp = procpool_create(workers, 0); /* forking is not timed */
	if (!pp) {
		perror("pool-bench: procpool_create");
		exit(1);
	}
	int64_t t0 = pool_now_ns();
	for (long i = 0; i < n; i++)
		futures[i] = procpool_submit(pp, fn, &i, sizeof i);
	for (long i = 0; i < n; i++)
		must_be_done(futures[i]);
	double rate = (double)n * 1e9 / (double)(pool_now_ns() - t0);
	procpool_destroy(pp);
	return rate;
}

/* The control: seconds for CONTROL_ROUNDS of hashing on this thread alone. */
static double control(void)
{
	int64_t t0 = pool_now_ns();
	volatile uint64_t sink = cpuwork_hash(CONTROL_ROUNDS, 1469598103934665603ULL);
	(void)sink;
	return (double)(pool_now_ns() - t0) / 1e9;
}

/* ---- one round ---- */

static void emit(int round, const char *name, double value, const char *unit)
{
	printf("round %d weft %s %.6g %s\n", round, name, value, unit);
	fflush(stdout);
}

/* Each pair runs back to back, the first of the two as `peer_first` says:
 * weft then its peer, or the peer then weft (1 worker then 2, or 2 then 1). */
static void one_round(int r, bool peer_first)
{
	double w, g, w1, g1, p, p1;
	emit(r, "control", control(), "s");
	/* Warm the heap and the caches; nothing has forked yet, so no page of
	 * this process takes a copy-on-write fault during the thread pools. */
	run_weft(WORKERS, tp_tiny, tiny_tasks / 10);
	run_glib(WORKERS, g_tiny, tiny_tasks / 10);
	if (peer_first) {
		g = run_glib(WORKERS, g_tiny, tiny_tasks);
		w = run_weft(WORKERS, tp_tiny, tiny_tasks);
		g1 = run_glib(1, g_cpu, cpu_tasks);
		w1 = run_weft(1, tp_cpu, cpu_tasks);
	} else {
		w = run_weft(WORKERS, tp_tiny, tiny_tasks);
		g = run_glib(WORKERS, g_tiny, tiny_tasks);
		w1 = run_weft(1, tp_cpu, cpu_tasks);
		g1 = run_glib(1, g_cpu, cpu_tasks);
	}
	emit(r, "threadpool_tiny_weft", w, "tasks/s");
	emit(r, "threadpool_tiny_gthreadpool", g, "tasks/s");
	emit(r, "threadpool_cpu_1worker_weft", w1, "tasks/s");
	emit(r, "threadpool_cpu_1worker_gthreadpool", g1, "tasks/s");
	if (peer_first) {
		g = run_glib(WORKERS, g_cpu, cpu_tasks);
		w = run_weft(WORKERS, tp_cpu, cpu_tasks);
	} else {
		w = run_weft(WORKERS, tp_cpu, cpu_tasks);
		g = run_glib(WORKERS, g_cpu, cpu_tasks);
	}
	emit(r, "threadpool_cpu_weft", w, "tasks/s");
	emit(r, "threadpool_cpu_gthreadpool", g, "tasks/s");
	/* The process pool last: after its first fork, every page this process
	 * writes takes a copy-on-write fault once. */
	emit(r, "procpool_tiny_weft", run_proc(WORKERS, pp_tiny, proc_tiny_tasks), "tasks/s");
	if (peer_first) {
		p = run_proc(WORKERS, pp_cpu, cpu_tasks);
		p1 = run_proc(1, pp_cpu, cpu_tasks);
	} else {
		p1 = run_proc(1, pp_cpu, cpu_tasks);
		p = run_proc(WORKERS, pp_cpu, cpu_tasks);
	}
	emit(r, "procpool_cpu_1worker_weft", p1, "tasks/s");
	emit(r, "procpool_cpu_weft", p, "tasks/s");
	emit(r, "control_end", control(), "s");
}

/* ---- arguments ---- */

static void usage(FILE *to)
{
	fprintf(to,
		"usage: pool-bench [-r ROUND] [--order weft|peer] [--quick]\n"
		"Run one round of weft's thread and process pools against GLib's\n"
		"GThreadPool (2 workers; tiny tasks, and cpu tasks of %d hashing rounds\n"
		"on 1 and 2 workers), bracketed by a one-thread control. Prints\n"
		"'round R weft NAME VALUE UNIT' lines; tools/pool-bench.sh runs the rounds,\n"
		"pinned, alternating the order, and makes the bench lines.\n"
		"  -r, --round R        the round's number, 1 to 1000, for the output (default 1)\n"
		"      --order WHO      who runs first in each pair: weft (default) or peer\n"
		"  -q, --quick          1/20 of the tasks: a smoke test, not a measurement\n"
		"  -h, --help           show this help and exit\n"
		"Exit status: 0 done, 1 a pool failed, 2 bad usage.\n", CPU_ROUNDS);
}

static _Noreturn void bad(const char *what, const char *arg)
{
	fprintf(stderr, "pool-bench: %s, not '%s' (pool-bench --help lists the options)\n", what, arg);
	exit(2);
}

/* The cores this process may run on ("0,1"): pool-bench.sh pins them. */
static void print_cpus(void)
{
	cpu_set_t set;
	if (sched_getaffinity(0, sizeof set, &set) != 0) {
		perror("pool-bench: sched_getaffinity");
		exit(1);
	}
	printf("cpus weft");
	for (int c = 0, first = 1; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, &set))
			printf("%s%d", first ? " " : ",", c), first = 0;
	printf("\n");
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "round", required_argument, NULL, 'r' },
		{ "order", required_argument, NULL, 'O' },
		{ "quick", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int round = 1, opt;
	bool peer_first = false;
	char *end;
	while ((opt = getopt_long(argc, argv, "r:qh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'r':
			errno = 0;
			long v = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || v < 1 || v > 1000)
				bad("-r wants a round number from 1 to 1000", optarg);
			round = (int)v;
			break;
		case 'O':
			if (strcmp(optarg, "weft") != 0 && strcmp(optarg, "peer") != 0)
				bad("--order wants weft or peer", optarg);
			peer_first = strcmp(optarg, "peer") == 0;
			break;
		case 'q': tiny_tasks /= 20, proc_tiny_tasks /= 20, cpu_tasks /= 20; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc)
		bad("unexpected argument", argv[optind]);
	futures = malloc((size_t)tiny_tasks * sizeof *futures);
	if (!futures) {
		perror("pool-bench");
		return 1;
	}
	print_cpus();
	fprintf(stderr, "pool-bench: round %d, %s first\n", round, peer_first ? "GThreadPool" : "weft");
	one_round(round, peer_first);
	free(futures);
	return 0;
}
