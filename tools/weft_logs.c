/*
 * weft_logs.c: the course's log-analysis case on weft's process pool.
 *
 * Course idea: for a folder of web-server access logs, count the requests and
 * the distinct client IPs in each file, one file per process-pool task, with
 * the results collected by done callbacks in the parent. The point the course
 * stresses: the task runs in a worker process, so it cannot update the
 * parent's variables; it returns its counts as bytes, and the callback, which
 * runs in the parent, files them away. The one thing the workers do share is
 * what the parent mapped MAP_SHARED before forking them: here, a byte counter
 * for the progress line.
 *
 * Reading real logs (gzip, CRLF, tabs, IPv6, junk, huge lines) is logscan.c's
 * job. A file that cannot be read is an error, reported with its reason, and
 * the exit status is 1; malformed lines are counted and reported, not fatal.
 *
 * Usage: weft-logs [-p PROCESSES] [--progress] DIR   (weft-logs --help)
 * Make sample logs with: tools/gen_access_logs.py DIR
 *
 * Read next: logscan.h, procpool.h; tests/host/pool_logs_test.sh checks the
 * counts against an independent computation.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "logscan.h"
#include "pool_os.h"
#include "procpool.h"

/* What a task sends back: fixed-size, so it is its own serialisation. */
struct file_counts {
	struct logscan_counts c;
	int32_t worker_pid; /* which worker did it, to show the spread */
};

/* Shared with the workers (mapped before the fork): bytes read so far. */
static _Atomic uint64_t *bytes_read;

static void add_bytes(uint64_t n, void *arg)
{
	(void)arg;
	atomic_fetch_add(bytes_read, n);
}

/* The task, in a worker: arg is the file's path (not NUL-terminated). */
static int count_file(const void *arg, size_t len, struct pool_bytes *out)
{
	char *path = strndup(arg, len);
	if (!path)
		return pool_bytes_printf(out, "out of memory"), ENOMEM;
	struct file_counts fc = { .worker_pid = getpid() };
	struct logscan_progress progress = { add_bytes, NULL, 1 << 20 };
	char why[160];
	int err = logscan_file(path, &fc.c, &progress, why, sizeof why);
	free(path);
	if (err)
		return pool_bytes_printf(out, "%s", why), err;
	return pool_bytes_append(out, &fc, sizeof fc);
}

/* ---- in the parent ---- */

struct file_result {
	char *name, *path;
	struct file_counts counts;
	char error[200]; /* "" if the file was counted */
};

static _Atomic int collector_pid;
static _Atomic int files_done;

/* The done callback: runs in the parent, on the pool's collector thread. */
static int file_done(struct future *f, void *arg)
{
	struct file_result *r = arg;
	atomic_store(&collector_pid, getpid());
	if (future_state(f) == FUTURE_DONE && future_result_len(f) == sizeof r->counts)
		memcpy(&r->counts, future_result(f), sizeof r->counts);
	else
		snprintf(r->error, sizeof r->error, "%s",
			 future_error_message(f)[0] ? future_error_message(f) : "task failed");
	atomic_fetch_add(&files_done, 1);
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct file_result *)a)->name, ((const struct file_result *)b)->name);
}

/* The regular files (and links) of dir, sorted by name; NULL with a message. */
static struct file_result *list_logs(const char *dir, size_t *count)
{
	int fd = logscan_open(dir, O_RDONLY | O_DIRECTORY);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		fprintf(stderr, "weft-logs: %s: %s\n", dir, strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	size_t n = 0, cap = 64;
	struct file_result *files = calloc(cap, sizeof *files);
	bool oom = !files;
	struct dirent *e;
	while (!oom && (errno = 0, e = readdir(d))) {
		if (e->d_name[0] == '.' || e->d_type == DT_DIR)
			continue;
		if (n == cap) {
			struct file_result *more = realloc(files, 2 * cap * sizeof *files);
			if (!(oom = !more))
				files = more, cap *= 2;
		}
		if (!oom) {
			struct file_result *f = &files[n++];
			memset(f, 0, sizeof *f);
			oom = !(f->name = strdup(e->d_name)) ||
			      asprintf(&f->path, "%s/%s", dir, e->d_name) < 0;
		}
	}
	int err = oom ? ENOMEM : errno; /* readdir() returns NULL at the end or on error */
	closedir(d);
	if (err) {
		fprintf(stderr, "weft-logs: listing %s: %s\n", dir, strerror(err));
		exit(1);
	}
	qsort(files, n, sizeof *files, by_name);
	*count = n;
	return files;
}

/* One progress line: on a terminal it redraws itself in place. */
static void show_progress(size_t total, double secs, bool final)
{
	bool tty = isatty(STDERR_FILENO);
	fprintf(stderr, "%sweft-logs: %d/%zu files, %.1f MB read, %.1f s%s", tty ? "\r" : "",
		atomic_load(&files_done), total, (double)atomic_load(bytes_read) / 1e6, secs,
		tty && !final ? "\033[K" : "\n");
	fflush(stderr);
}

/* Submit one task per file, wait for all, drawing progress if asked.
 * Returns the seconds it took. */
static double count_all(struct file_result *files, size_t n, unsigned procs, bool progress)
{
	struct procpool *pp = procpool_create(procs, 0);
	struct future **fs = calloc(n ? n : 1, sizeof *fs);
	if (!pp || !fs) {
		perror("weft-logs: procpool_create");
		exit(1);
	}
	int64_t t0 = pool_now_ns();
	for (size_t i = 0; i < n; i++) {
		fs[i] = procpool_submit(pp, count_file, files[i].path, strlen(files[i].path));
		if (!fs[i]) {
			perror("weft-logs: procpool_submit");
			exit(1);
		}
		future_add_done_callback(fs[i], file_done, &files[i]);
	}
	for (size_t i = 0; i < n; i++) {
		while (future_wait(fs[i], 250000000) != 0)
			if (progress)
				show_progress(n, (double)(pool_now_ns() - t0) / 1e9, false);
	}
	procpool_shutdown(pp, true, false); /* every callback has run */
	double secs = (double)(pool_now_ns() - t0) / 1e9;
	if (progress)
		show_progress(n, secs, true);
	for (size_t i = 0; i < n; i++)
		future_release(fs[i]);
	procpool_destroy(pp);
	free(fs);
	return secs;
}

/* The table, the totals, the malformed-line notes; returns the exit status. */
static int report(const struct file_result *files, size_t n, double secs, unsigned procs)
{
	uint64_t requests = 0, malformed = 0;
	size_t failed = 0;
	printf("%-28s %12s %12s %10s %8s\n", "file", "requests", "unique IPs", "malformed",
	       "worker");
	for (size_t i = 0; i < n; i++) {
		const struct file_result *f = &files[i];
		const struct logscan_counts *c = &f->counts.c;
		if (f->error[0]) {
			printf("%-28s  failed: %s\n", f->name, f->error);
			fprintf(stderr, "weft-logs: %s: %s\n", f->path, f->error);
			failed++;
			continue;
		}
		printf("%-28s %12llu %12llu %10llu %8d\n", f->name,
		       (unsigned long long)c->requests, (unsigned long long)c->unique_ips,
		       (unsigned long long)c->malformed, f->counts.worker_pid);
		if (c->malformed)
			fprintf(stderr, "weft-logs: %s: %llu malformed lines (the first is line %llu)\n",
				f->path, (unsigned long long)c->malformed,
				(unsigned long long)c->first_malformed);
		requests += c->requests;
		malformed += c->malformed;
	}
	printf("total: %llu requests, %llu malformed lines in %zu files, %zu failed; "
	       "%.3f s on %u processes; collected by callbacks in pid %d (this process: %d)\n",
	       (unsigned long long)requests, (unsigned long long)malformed, n - failed, failed,
	       secs, procs, atomic_load(&collector_pid), (int)getpid());
	return failed ? 1 : 0;
}

static void usage(FILE *to)
{
	fprintf(to,
		"usage: weft-logs [-p PROCESSES] [--progress] DIR\n"
		"Count the requests, distinct client IPs and malformed lines of every\n"
		"access log in DIR (plain or gzip-compressed), one file per worker task.\n"
		"  -p, --processes N  worker processes, 1 to 1024 (default: the cores)\n"
		"      --progress     show progress on stderr even when it is not a\n"
		"                     terminal (on a terminal it is always shown)\n"
		"  -h, --help         show this help and exit\n"
		"Exit status: 0 all files counted, 1 a file or DIR could not be read,\n"
		"2 bad usage. Malformed lines are reported on stderr, not fatal.\n");
}

/* A whole-number argument in [lo, hi], or exit 2 with a message. */
static long number(const char *opt, const char *s, long lo, long hi)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi) {
		fprintf(stderr, "weft-logs: %s wants a whole number from %ld to %ld, not '%s'\n",
			opt, lo, hi, s);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "processes", required_argument, NULL, 'p' },
		{ "progress", no_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	unsigned procs = (unsigned)sysconf(_SC_NPROCESSORS_ONLN);
	bool progress = isatty(STDERR_FILENO);
	int opt;
	while ((opt = getopt_long(argc, argv, "p:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'p': procs = (unsigned)number("-p", optarg, 1, 1024); break;
		case 'P': progress = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "weft-logs: %s\n", optind == argc ? "which directory?"
								 : "one directory only");
		usage(stderr);
		return 2;
	}
	bytes_read = mmap(NULL, sizeof *bytes_read, PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_ANONYMOUS, -1, 0); /* before the workers fork */
	if (bytes_read == MAP_FAILED) {
		perror("weft-logs: mmap");
		return 1;
	}
	size_t n;
	struct file_result *files = list_logs(argv[optind], &n);
	if (!files)
		return 1;
	double secs = count_all(files, n, procs, progress);
	int status = report(files, n, secs, procs);
	for (size_t i = 0; i < n; i++)
		free(files[i].name), free(files[i].path);
	free(files);
	munmap(bytes_read, sizeof *bytes_read);
	return status;
}
