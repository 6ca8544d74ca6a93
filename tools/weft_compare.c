/*
 * weft_compare.c: the course's pool experiments, measured on this machine.
 *
 * Course idea: "single thread vs threads vs processes, CPU-bound vs IO-bound,
 * and the GIL". Two workloads run five ways each:
 *   IO-bound   every task waits 1 ms, ten times (like ten small network
 *              round trips); waiting needs no processor, so any pool with
 *              enough workers overlaps the waits;
 *   CPU-bound  every task hashes for about 25 ms (calibrated here at start);
 *              only as many tasks as there are cores can make progress.
 * and the ways are: serially on one thread; on a thread pool; on a thread pool
 * whose tasks must hold one global lock while they compute (a GIL: released
 * while waiting and every 5 ms, exactly what CPython does); on a process pool;
 * and as coroutine tasks on lib/coro's event loop in one thread (asyncio: a
 * wait is an await of a 1 ms timer, and a task gives the others a turn
 * after each 5 ms slice). The task is the same code in every way; only how
 * it waits and how it gives a turn differ (struct waits). Pool sizes follow
 * Python's defaults: cores + 4 threads, one process per core; the loop runs
 * every task at once.
 *
 * Every number is measured in this run; nothing is canned. The table goes to
 * stdout, a bar chart of speed-ups to an SVG file, progress to stderr. Every
 * argument is checked, and the chart file opened, before anything is measured.
 *
 * `weft-compare counter` runs the shared-memory counter experiment instead.
 *
 * Read next: compare_svg.c (the chart), weft_logs.c (the log-analysis case),
 * lib/coro/async.h (the event loop the coroutine column runs on).
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../lib/coro/async.h"
#include "compare_svg.h"
#include "cpuwork.h"
#include "pool_os.h"
#include "procpool.h"
#include "shm_counter.h"
#include "threadpool.h"

enum workload { IO_BOUND, CPU_BOUND, NWORKLOADS };
enum mode { SERIAL, THREADS, THREADS_GIL, PROCESSES, COROUTINES, NMODES };

static const char *const workload_name[NWORKLOADS] = { "IO-bound", "CPU-bound" };
static const char *const mode_name[NMODES] = {
	"serial", "threads", "threads + GIL", "processes", "coroutines",
};

#define IO_WAITS 10          /* 1 ms waits per IO-bound task */
#define CPU_SLICES 5         /* 5 ms hashing slices per CPU-bound task */
#define SLICE_NS 5000000     /* CPython's default switch interval */

static uint64_t rounds_per_slice; /* hashing rounds that take about 5 ms */
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

static double measure(enum workload w, enum mode m, long n, unsigned threads, unsigned procs)
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

static int counter_experiment(unsigned procs)
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

/* ---- the arguments, all checked before anything is measured ---- */

struct options {
	double scale;
	unsigned threads, procs;
	const char *svg;
	FILE *svg_out; /* a new file next to svg, made at once: a bad -o fails */
	bool counter;  /* before measuring, and an old chart stays until the new
			* one is complete (renamed over it) */
};

static char *svg_tmp;   /* its name, removed at exit unless renamed */
static pid_t svg_owner; /* only this process removes it, not a forked worker */

static void remove_svg_tmp(void)
{
	if (svg_tmp && getpid() == svg_owner)
		unlink(svg_tmp);
}

/* Ctrl-C or kill: remove the half-made file, then die of the signal. */
static void on_signal(int sig)
{
	remove_svg_tmp(); /* getpid() and unlink() are async-signal-safe */
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Make the file the chart is written to, next to the chart's path. */
static FILE *open_chart(const char *svg)
{
	struct stat st;
	FILE *f = NULL;
	int fd = -1;
	if (stat(svg, &st) == 0 && S_ISDIR(st.st_mode))
		errno = EISDIR;
	else if (asprintf(&svg_tmp, "%s.XXXXXX", svg) < 0)
		svg_tmp = NULL, errno = ENOMEM;
	else if ((fd = mkstemp(svg_tmp)) < 0 || fchmod(fd, 0644) != 0 || !(f = fdopen(fd, "w")))
		fd >= 0 ? close(fd) : 0, free(svg_tmp), svg_tmp = NULL;
	if (!f) {
		fprintf(stderr, "weft-compare: cannot write the chart to %s: %s\n", svg,
			strerror(errno));
		exit(2);
	}
	svg_owner = getpid();
	atexit(remove_svg_tmp);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	return f;
}

static void usage(FILE *to)
{
	fprintf(to,
		"usage: weft-compare [-s SCALE] [-t THREADS] [-p PROCESSES] [-o FILE.svg]\n"
		"       weft-compare counter [-p PROCESSES]\n"
		"Run the course's experiments here: IO-bound and CPU-bound tasks, serially,\n"
		"on threads, on threads sharing one lock (a GIL), and on processes. The\n"
		"table goes to stdout, a bar chart to FILE.svg. 'counter' runs the\n"
		"shared-memory counter experiment instead.\n"
		"  -s, --scale SCALE       multiply the number of tasks, 0.1 to 100 (default 1:\n"
		"                          about 1 s per serial run; 0.1 is 10 IO-bound and 4\n"
		"                          CPU-bound tasks, the fewest that measure anything)\n"
		"  -t, --threads N         thread pool size, 1 to 1024 (default: cores + 4,\n"
		"                          like Python)\n"
		"  -p, --processes N       process pool size, 1 to 1024 (default: cores)\n"
		"  -o, --output FILE.svg   where to write the chart (default\n"
		"                          build/weft-compare.svg if build/ is writable, else\n"
		"                          ./weft-compare.svg); checked before measuring\n"
		"  -h, --help              show this help and exit\n"
		"Exit status: 0 done, 1 a measurement or the chart failed, 2 bad usage.\n");
}

static _Noreturn void bad_usage(const char *fmt, const char *arg)
{
	fprintf(stderr, "weft-compare: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n(weft-compare --help lists the options)\n");
	exit(2);
}

static unsigned count_arg(const char *opt, const char *s)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 1 || v > 1024)
		bad_usage(opt[1] == 't' ? "-t wants a whole number from 1 to 1024, not '%s'"
					: "-p wants a whole number from 1 to 1024, not '%s'", s);
	return (unsigned)v;
}

static struct options parse_args(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "scale", required_argument, NULL, 's' },
		{ "threads", required_argument, NULL, 't' },
		{ "processes", required_argument, NULL, 'p' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	struct options o = { 1, (unsigned)cores + 4, (unsigned)cores, NULL, NULL, false };
	bool only_p = true; /* counter takes -p only */
	char *end;
	int opt;
	while ((opt = getopt_long(argc, argv, "s:t:p:o:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 's':
			errno = 0;
			o.scale = strtod(optarg, &end);
			if (errno || end == optarg || *end || !(o.scale >= 0.1 && o.scale <= 100))
				bad_usage("-s wants a number from 0.1 to 100, not '%s'", optarg);
			only_p = false;
			break;
		case 't': o.threads = count_arg("-t", optarg); only_p = false; break;
		case 'p': o.procs = count_arg("-p", optarg); break;
		case 'o': o.svg = optarg; only_p = false; break;
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); exit(2);
		}
	}
	if (optind < argc && strcmp(argv[optind], "counter") == 0)
		o.counter = true, optind++;
	if (optind < argc)
		bad_usage("unexpected argument '%s'", argv[optind]);
	if (o.counter && !only_p)
		bad_usage("%s takes only -p", "counter");
	if (!o.counter) {
		if (!o.svg)
			o.svg = access("build", W_OK) == 0 ? "build/weft-compare.svg" : "weft-compare.svg";
		o.svg_out = open_chart(o.svg);
	}
	return o;
}

/* ---- main ---- */

static void chart_setup(struct chart *c, char *subtitle, size_t len, long cores,
			const struct options *o, const long *n)
{
	char when[32];
	time_t now = time(NULL);
	strftime(when, sizeof when, "%Y-%m-%d %H:%M", localtime(&now));
	snprintf(subtitle, len, "%ld cores; pools of %u threads, %u processes; measured %s",
		 cores, o->threads, o->procs, when);
	*c = (struct chart){
		.title = "weft-compare: speed-up over one thread",
		.subtitle = subtitle,
		.value_label = "speed-up over serial, higher is better",
		.unit = "x",
		.baseline_label = "serial",
		.footnote = "coroutines: one thread, every task at once on lib/coro's event loop "
			    "(epoll): the waits overlap, the hashing cannot",
		.ngroups = NWORKLOADS, .nbars = NMODES,
	};
	for (int w = 0; w < NWORKLOADS; w++)
		c->group[w] = workload_name[w], c->tasks[w] = n[w];
	for (int m = 0; m < NMODES; m++)
		c->bar[m] = mode_name[m];
}

int main(int argc, char **argv)
{
	struct options o = parse_args(argc, argv);
	if (o.counter)
		return counter_experiment(o.procs);
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	rounds_per_slice = cpuwork_calibrate(SLICE_NS, 50000000); /* over >= 50 ms */
	long n[NWORKLOADS] = { lround(100 * o.scale), lround(40 * o.scale) };
	printf("weft-compare: %ld cores; thread pools of %u, process pools of %u\n", cores,
	       o.threads, o.procs);
	printf("  IO-bound:  %ld tasks x %d waits of 1 ms\n", n[IO_BOUND], IO_WAITS);
	printf("  CPU-bound: %ld tasks x %d ms of hashing (%llu rounds per 5 ms here)\n\n",
	       n[CPU_BOUND], CPU_SLICES * 5, (unsigned long long)rounds_per_slice);

	struct chart c;
	char subtitle[160];
	chart_setup(&c, subtitle, sizeof subtitle, cores, &o, n);
	printf("  %-10s %-14s %9s %10s %9s\n", "workload", "mode", "seconds", "tasks/s", "speed-up");
	for (int w = 0; w < NWORKLOADS; w++) {
		double serial = 0;
		for (int m = 0; m < NMODES; m++) {
			double s = measure(w, m, n[w], o.threads, o.procs);
			if (m == SERIAL)
				serial = s;
			c.value[w][m] = serial / s;
			c.seconds[w][m] = s;
			printf("  %-10s %-14s %9.3f %10.1f %8.2fx\n", workload_name[w], mode_name[m], s,
			       n[w] / s, serial / s);
			fflush(stdout);
		}
	}
	if (chart_write_svg(&c, o.svg_out) != 0 || fclose(o.svg_out) != 0 ||
	    rename(svg_tmp, o.svg) != 0) {
		perror(o.svg);
		return 1;
	}
	free(svg_tmp);
	svg_tmp = NULL; /* renamed: nothing to remove */
	printf("\nchart: %s\n", o.svg);
	return 0;
}
