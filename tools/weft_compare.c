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
 * after each 5 ms slice). The task is the same code in every way
 * (compare_work.c). Pool sizes follow Python's defaults: cores + 4
 * threads, one process per core; the loop runs every task at once.
 *
 * Every number is measured in this run; nothing is canned. The table goes to
 * stdout, a bar chart of speed-ups to an SVG file, progress to stderr. Every
 * argument is checked, and the chart file opened, before anything is measured.
 *
 * `weft-compare counter` runs the shared-memory counter experiment instead.
 *
 * This file is the tool: its arguments, the table and the chart.
 *
 * Read next: compare_work.c (the task and the ways of running it),
 * compare_svg.c (the chart), weft_logs.c (the log-analysis case).
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "compare_svg.h"
#include "compare_work.h"

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
		return compare_counter(o.procs);
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	uint64_t rounds_per_slice = compare_calibrate();
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
			double s = compare_measure(w, m, n[w], o.threads, o.procs);
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
