/*
 * fetch.c: weft-fetch, the course's downloader case study.
 *
 * Course idea: the same IO-bound job run serially and concurrently. Each
 * file is one task: connect (with a deadline), GET, stream the body to
 * DIR/NAME.part while hashing it (64-bit FNV-1a), rename to DIR/NAME when
 * complete. Tasks run one after another, or on lib/pool's thread pool
 * (threadpool.h, future.h, used as they are), while the main thread draws a
 * progress bar from the futures. Every failure (refused, reset, timeout,
 * short body, HTTP status) is reported for its file; the others complete.
 * `--async` runs the same jobs as coroutines on one event loop
 * (fetch_async.c); `--compare` runs all three and prints one timed table.
 * The job, its checks and its outcome names are shared (fetch.h).
 *
 * Read next: lib/net/sock.h (the deadline-bounded calls used here), then
 * fetch_async.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fetch.h"
#include "future.h"
#include "sock.h"
#include "threadpool.h"

static const char usage[] =
"usage: weft-fetch [OPTION]... URL...\n"
"Download each http://ADDR:PORT/PATH (IPv4 address) into DIR, hashing it.\n"
"\n"
"  -o, --out DIR        where files are stored (required; must exist)\n"
"  -j, --jobs N         threads in the pool, or downloads at once with --async\n"
"                       (default 8; 1..256)\n"
"  -t, --timeout MS     connect and per-read deadline (default 5000)\n"
"  -s, --serial         one file after another, no pool\n"
"  -a, --async          N downloads at once as coroutines on one event loop\n"
"                       (N from --jobs), hashing on a thread pool\n"
"  -c, --compare        run serially, on the pool, then async; print a timed table\n"
"  -p, --progress       draw the progress bar even when stderr is no terminal\n"
"  -h, --help           this text\n"
"\n"
"Prints one line per file (NAME STATUS BYTES HASH); exits 1 if any failed.\n";

struct run run_cfg;

/* http://A.B.C.D:PORT/PATH; the name is PATH's last component. */
static int parse_url(const char *url, struct job *j)
{
	const char *p = url;
	if (strncmp(p, "http://", 7) != 0)
		return -1;
	p += 7;
	const char *colon = strchr(p, ':'), *slash = strchr(p, '/');
	if (!colon || !slash || colon > slash || (size_t)(colon - p) >= sizeof j->addr)
		return -1;
	memcpy(j->addr, p, (size_t)(colon - p));
	j->addr[colon - p] = '\0';
	char *end;
	long port = strtol(colon + 1, &end, 10);
	if (end != slash || port < 1 || port > 65535)
		return -1;
	j->port = (uint16_t)port;
	j->path = slash;
	j->name = strrchr(slash, '/') + 1;
	if (!*j->name || strchr(j->path, ' ') || !strcmp(j->name, ".") || !strcmp(j->name, ".."))
		return -1;
	return 0;
}

static const char *errname(int err)
{
	switch (err) {
	case -ECONNREFUSED: return "refused";
	case -ECONNRESET: case -EPIPE: return "reset";
	case -ETIMEDOUT: return "timeout";
	default: return strerror(-err);
	}
}

/* Read the response head into buf; returns the body bytes already read
 * past it (moved to buf's start), or a negative errno. */
static ssize_t read_head(int fd, char *buf, size_t cap, char **body, int timeout_ms)
{
	size_t got = 0;
	for (;;) {
		ssize_t k = net_read(fd, buf + got, cap - 1 - got, net_deadline_ms(timeout_ms), -1);
		if (k < 0)
			return k;
		if (k == 0)
			return -ECONNRESET; /* closed before a whole head */
		got += (size_t)k;
		buf[got] = '\0';
		char *end = strstr(buf, "\r\n\r\n");
		if (end) {
			*body = end + 4;
			return (ssize_t)(got - (size_t)(end + 4 - buf));
		}
		if (got == cap - 1)
			return -EMSGSIZE;
	}
}

uint64_t fnv1a(uint64_t h, const char *d, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)d[i]) * 1099511628211ull;
	return h;
}

/* Stream the body into out, hashing it; 0 or a negative errno. */
static int receive_body(int fd, int out, struct job *j, const char *pre, size_t npre)
{
	static _Thread_local char buf[65536];
	j->hash = fnv1a(FNV_START, pre, npre);
	j->bytes = npre;
	if (npre && write(out, pre, npre) != (ssize_t)npre)
		return -errno;
	while (j->bytes < j->expected) {
		ssize_t k = net_read(fd, buf, sizeof buf, net_deadline_ms(run_cfg.timeout_ms), -1);
		if (k < 0)
			return (int)k;
		if (k == 0)
			return -EPROTO; /* short body */
		j->hash = fnv1a(j->hash, buf, (size_t)k);
		if (write(out, buf, (size_t)k) != k)
			return -errno;
		j->bytes += (size_t)k;
		atomic_store(&j->progress, j->bytes);
	}
	return j->bytes == j->expected ? 0 : -EPROTO;
}

int fetch_request(const struct job *j, char *buf, size_t cap)
{
	int n = snprintf(buf, cap, "GET %s HTTP/1.1\r\nHost: %s:%u\r\nConnection: close\r\n\r\n",
			 j->path, j->addr, j->port);
	return n < 0 || (size_t)n >= cap ? -ENAMETOOLONG : n;
}

int fetch_check_head(const char *head, struct job *j)
{
	const char *cl = strcasestr(head, "\r\nContent-Length:");
	if (strncmp(head, "HTTP/1.", 7) != 0 || !cl)
		return -EBADMSG;
	int code = atoi(head + 9);
	if (code != 200) {
		snprintf(j->status, sizeof j->status, "HTTP %d", code);
		return 1;
	}
	j->expected = strtoull(cl + 17, NULL, 10);
	return 0;
}

/* Request, check the head, and stream the body to DIR/.NAME.part. */
static int transfer(int fd, struct job *j, const char *part)
{
	char req[1024], head[8192], *body = NULL;
	int n = fetch_request(j, req, sizeof req);
	if (n < 0)
		return n;
	ssize_t r = net_write_all(fd, req, (size_t)n, net_deadline_ms(run_cfg.timeout_ms), -1);
	if (r < 0)
		return (int)r;
	r = read_head(fd, head, sizeof head, &body, run_cfg.timeout_ms);
	if (r < 0)
		return (int)r;
	int st = fetch_check_head(head, j);
	if (st != 0)
		return st;
	int out = open(part, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0)
		return -errno;
	int err = receive_body(fd, out, j, body, (size_t)r > j->expected ? j->expected : (size_t)r);
	if (close(out) < 0 && !err)
		err = -errno;
	return err;
}

void fetch_paths(const struct job *j, char *part, char *final, size_t cap)
{
	snprintf(part, cap, "%s/.%s.part", run_cfg.dir, j->name);
	snprintf(final, cap, "%s/%s", run_cfg.dir, j->name);
}

void fetch_finish(struct job *j, int err, const char *part, const char *final)
{
	if (err == 0 && rename(part, final) < 0)
		err = -errno;
	if (err != 0)
		unlink(part);
	if (err == 0)
		snprintf(j->status, sizeof j->status, "ok");
	else if (err == -EPROTO)
		snprintf(j->status, sizeof j->status, "short body");
	else if (err < 0)
		snprintf(j->status, sizeof j->status, "%s", errname(err));
}

/* One file, start to end: the task run serially or on the pool. */
static int fetch_one(void *arg, void **result)
{
	struct job *j = arg;
	char part[4096], final[4096];
	fetch_paths(j, part, final, sizeof part);
	j->bytes = 0;
	atomic_store(&j->progress, 0);
	int fd = net_connect(j->addr, j->port, net_deadline_ms(run_cfg.timeout_ms));
	int err = fd < 0 ? fd : transfer(fd, j, part);
	if (fd >= 0)
		close(fd);
	fetch_finish(j, err, part, final);
	*result = j;
	return 0; /* the job records its own failure: the pool has nothing to report */
}

void draw_progress(struct job *jobs, size_t n, size_t done, bool show)
{
	if (!show)
		return;
	unsigned long long bytes = 0;
	for (size_t i = 0; i < n; i++)
		bytes += atomic_load(&jobs[i].progress);
	int width = 30, fill = n ? (int)(done * 30 / n) : width;
	fprintf(stderr, "\r[%.*s%*s] %zu/%zu files %.1f MB", fill, "##############################",
		width - fill, "", done, n, (double)bytes / 1e6);
	if (done == n)
		fputc('\n', stderr);
	fflush(stderr);
}

/* Run every job; jobs == 0 means serially. Returns the seconds taken. */
static double run_all(struct job *jobs, size_t n, unsigned workers, bool show)
{
	int64_t t0 = net_now_ns();
	if (workers == 0) {
		for (size_t i = 0; i < n; i++) {
			void *r;
			fetch_one(&jobs[i], &r);
			draw_progress(jobs, n, i + 1, show);
		}
		return (double)(net_now_ns() - t0) / 1e9;
	}
	struct threadpool *tp = threadpool_create(workers, 0);
	struct future **fs = calloc(n, sizeof *fs);
	if (!tp || !fs) {
		fprintf(stderr, "weft-fetch: cannot start the pool: %s\n", strerror(errno));
		exit(1);
	}
	for (size_t i = 0; i < n; i++)
		if (!(fs[i] = threadpool_submit(tp, fetch_one, &jobs[i])))
			snprintf(jobs[i].status, sizeof jobs[i].status, "not started: %s", strerror(errno));
	for (size_t done = 0; done < n; ) {
		done = 0;
		for (size_t i = 0; i < n; i++)
			done += !fs[i] || future_resolved(fs[i]);
		draw_progress(jobs, n, done, show);
		for (size_t i = 0; i < n && done < n; i++)
			if (fs[i] && future_wait(fs[i], 100000000) != 0)
				break; /* redraw at least every 0.1 s */
	}
	for (size_t i = 0; i < n; i++)
		if (fs[i])
			future_release(fs[i]);
	free(fs);
	threadpool_destroy(tp);
	return (double)(net_now_ns() - t0) / 1e9;
}

static size_t report(struct job *jobs, size_t n, bool lines)
{
	size_t failed = 0;
	for (size_t i = 0; i < n; i++) {
		bool ok = strcmp(jobs[i].status, "ok") == 0;
		failed += !ok;
		if (lines)
			printf("%s %s %llu %016llx\n", jobs[i].name, jobs[i].status, jobs[i].bytes,
			       ok ? (unsigned long long)jobs[i].hash : 0ull);
	}
	return failed;
}

static void table_row(const char *mode, struct job *jobs, size_t n, double secs)
{
	unsigned long long bytes = 0;
	size_t failed = report(jobs, n, false);
	for (size_t i = 0; i < n; i++)
		bytes += jobs[i].bytes;
	printf("%-10s %6zu %6zu %6zu %12llu %9.3f %9.1f\n", mode, n, n - failed, failed, bytes, secs,
	       secs > 0 ? (double)bytes / 1e6 / secs : 0.0);
}

struct options {
	long workers;
	bool serial, async, compare, show;
};

static long number(int opt, const char *arg, long lo, long hi)
{
	char *end;
	errno = 0;
	long v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v < lo || v > hi) {
		fprintf(stderr, "weft-fetch: -%c must be a number from %ld to %ld, not '%s'\n", opt, lo, hi, arg);
		exit(2);
	}
	return v;
}

static void parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longs[] = {
		{ "out", required_argument, 0, 'o' }, { "jobs", required_argument, 0, 'j' },
		{ "timeout", required_argument, 0, 't' }, { "serial", no_argument, 0, 's' },
		{ "async", no_argument, 0, 'a' },
		{ "compare", no_argument, 0, 'c' }, { "progress", no_argument, 0, 'p' },
		{ "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 },
	};
	for (int c; (c = getopt_long(argc, argv, "o:j:t:sacph", longs, NULL)) != -1; ) {
		switch (c) {
		case 'o': run_cfg.dir = optarg; break;
		case 'j': o->workers = number('j', optarg, 1, 256); break;
		case 't': run_cfg.timeout_ms = (int)number('t', optarg, 1, 3600000); break;
		case 's': o->serial = true; break;
		case 'a': o->async = true; break;
		case 'c': o->compare = true; break;
		case 'p': o->show = true; break;
		case 'h': fputs(usage, stdout); exit(0);
		default: fputs(usage, stderr); exit(2);
		}
	}
	struct stat st;
	if (!run_cfg.dir || stat(run_cfg.dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "weft-fetch: --out must name an existing directory\n");
		exit(2);
	}
	if (optind == argc) {
		fprintf(stderr, "weft-fetch: no URL given (see --help)\n");
		exit(2);
	}
}

static struct job *parse_jobs(char **urls, size_t n)
{
	struct job *jobs = calloc(n, sizeof *jobs);
	for (size_t i = 0; jobs && i < n; i++) {
		if (parse_url(urls[i], &jobs[i]) < 0) {
			fprintf(stderr, "weft-fetch: not an http://ADDR:PORT/PATH/NAME URL: '%s'\n", urls[i]);
			exit(2);
		}
		for (size_t k = 0; k < i; k++)
			if (strcmp(jobs[k].name, jobs[i].name) == 0) {
				fprintf(stderr, "weft-fetch: two URLs would both be saved as '%s'\n", jobs[i].name);
				exit(2);
			}
	}
	return jobs;
}

int main(int argc, char **argv)
{
	struct options o = { 8, false, false, false, isatty(2) };
	run_cfg.timeout_ms = 5000;
	parse_options(argc, argv, &o);
	size_t n = (size_t)(argc - optind);
	struct job *jobs = parse_jobs(argv + optind, n);
	if (!jobs)
		return 1;
	signal(SIGPIPE, SIG_IGN);
	if (o.compare) {
		double ts = run_all(jobs, n, 0, o.show);
		char mode[32];
		snprintf(mode, sizeof mode, "pool(%ld)", o.workers);
		printf("%-10s %6s %6s %6s %12s %9s %9s\n", "mode", "files", "ok", "failed", "bytes", "seconds", "MB/s");
		table_row("serial", jobs, n, ts);
		fflush(stdout);
		double tp = run_all(jobs, n, (unsigned)o.workers, o.show);
		table_row(mode, jobs, n, tp);
		fflush(stdout);
		double ta = run_async(jobs, n, (unsigned)o.workers, o.show);
		snprintf(mode, sizeof mode, "async(%ld)", o.workers);
		table_row(mode, jobs, n, ta);
		printf("speed-up %.2fx pool, %.2fx async\n", tp > 0 ? ts / tp : 0.0, ta > 0 ? ts / ta : 0.0);
	} else if (o.async) {
		run_async(jobs, n, (unsigned)o.workers, o.show);
	} else {
		run_all(jobs, n, o.serial ? 0 : (unsigned)o.workers, o.show);
	}
	size_t failed = report(jobs, n, true);
	free(jobs);
	return failed ? 1 : 0;
}
