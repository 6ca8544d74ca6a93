/*
 * weft_logs.c: the course's log-analysis case on weft's process pool.
 *
 * Course idea: for a folder of web-server access logs, count the requests and
 * the distinct client IPs in each file, one file per process-pool task, with
 * the results collected by done callbacks in the parent. The point the course
 * stresses: the task runs in a worker process, so it cannot update the
 * parent's variables; it returns its counts as bytes, and the callback, which
 * runs in the parent, files them away.
 *
 * Usage: weft-logs [-p PROCESSES] DIR
 * Make sample logs with: tools/gen_access_logs.py DIR
 *
 * Read next: procpool.h; tests/host/pool_logs_test.sh checks the counts.
 */
#include <dirent.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pool_os.h"
#include "procpool.h"

/* What a task sends back: fixed-size, so it is its own serialisation. */
struct file_counts {
	uint64_t requests;
	uint64_t unique_ips;
	int32_t worker_pid; /* which worker did it, to show the spread */
};

/* ---- in the worker: a string set, just enough to count distinct IPs ---- */

struct ip_set {
	char **slot;
	size_t cap, count;
};

static uint64_t hash(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	return h;
}

static int ip_set_add(struct ip_set *set, const char *ip, size_t n);

static int ip_set_grow(struct ip_set *set)
{
	struct ip_set bigger = { calloc(set->cap ? set->cap * 2 : 1024, sizeof(char *)),
				 set->cap ? set->cap * 2 : 1024, 0 };
	if (!bigger.slot)
		return ENOMEM;
	for (size_t i = 0; i < set->cap; i++)
		if (set->slot[i]) {
			size_t n = strlen(set->slot[i]);
			size_t k = hash(set->slot[i], n) & (bigger.cap - 1);
			while (bigger.slot[k])
				k = (k + 1) & (bigger.cap - 1);
			bigger.slot[k] = set->slot[i];
			bigger.count++;
		}
	free(set->slot);
	*set = bigger;
	return 0;
}

/* Linear probing in a power-of-two table kept at most half full. */
static int ip_set_add(struct ip_set *set, const char *ip, size_t n)
{
	if (2 * (set->count + 1) > set->cap && ip_set_grow(set) != 0)
		return ENOMEM;
	size_t k = hash(ip, n) & (set->cap - 1);
	for (; set->slot[k]; k = (k + 1) & (set->cap - 1))
		if (strlen(set->slot[k]) == n && memcmp(set->slot[k], ip, n) == 0)
			return 0;
	if (!(set->slot[k] = strndup(ip, n)))
		return ENOMEM;
	set->count++;
	return 0;
}

static void ip_set_free(struct ip_set *set)
{
	for (size_t i = 0; i < set->cap; i++)
		free(set->slot[i]);
	free(set->slot);
}

/* The task: arg is the file's path (not NUL-terminated). */
static int count_file(const void *arg, size_t len, struct pool_bytes *out)
{
	char path[4096];
	if (len >= sizeof path)
		return pool_bytes_printf(out, "path too long"), ENAMETOOLONG;
	memcpy(path, arg, len);
	path[len] = '\0';
	FILE *f = fopen(path, "r");
	if (!f) {
		int err = errno;
		pool_bytes_printf(out, "%s: %s", path, strerror(err));
		return err;
	}
	struct file_counts c = { .worker_pid = getpid() };
	struct ip_set ips = { 0 };
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int err = 0;
	while (!err && (n = getline(&line, &cap, f)) > 0) {
		size_t ip_len = strcspn(line, " \n"); /* the first field is the client */
		if (ip_len == 0)
			continue;
		c.requests++;
		err = ip_set_add(&ips, line, ip_len);
	}
	c.unique_ips = ips.count;
	free(line);
	ip_set_free(&ips);
	fclose(f);
	if (err)
		return pool_bytes_printf(out, "%s: out of memory", path), err;
	return pool_bytes_append(out, &c, sizeof c);
}

/* ---- in the parent ---- */

struct file_result {
	char name[256];
	struct file_counts counts;
	char error[160];
};

/* The done callback: runs in the parent, on the pool's collector thread. */
static _Atomic int collector_pid;

static int file_done(struct future *f, void *arg)
{
	struct file_result *r = arg;
	atomic_store(&collector_pid, getpid());
	if (future_state(f) == FUTURE_DONE && future_result_len(f) == sizeof r->counts)
		memcpy(&r->counts, future_result(f), sizeof r->counts);
	else
		snprintf(r->error, sizeof r->error, "%s", future_error_message(f));
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct file_result *)a)->name, ((const struct file_result *)b)->name);
}

int main(int argc, char **argv)
{
	unsigned procs = (unsigned)sysconf(_SC_NPROCESSORS_ONLN);
	int opt;
	while ((opt = getopt(argc, argv, "p:")) != -1) {
		if (opt == 'p' && atoi(optarg) > 0)
			procs = (unsigned)atoi(optarg);
		else
			goto usage;
	}
	if (optind != argc - 1)
		goto usage;
	const char *dir = argv[optind];

	DIR *d = opendir(dir);
	if (!d) {
		perror(dir);
		return 1;
	}
	size_t n = 0, cap = 64;
	struct file_result *files = calloc(cap, sizeof *files);
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || (e->d_type != DT_REG && e->d_type != DT_LNK && e->d_type != DT_UNKNOWN))
			continue;
		if (n == cap)
			files = realloc(files, (cap *= 2) * sizeof *files);
		memset(&files[n], 0, sizeof files[n]);
		snprintf(files[n++].name, sizeof files->name, "%s", e->d_name);
	}
	closedir(d);
	qsort(files, n, sizeof *files, by_name);

	struct procpool *pp = procpool_create(procs, 0);
	if (!pp) {
		perror("weft-logs: procpool_create");
		return 1;
	}
	struct future **fs = calloc(n ? n : 1, sizeof *fs);
	int64_t t0 = pool_now_ns();
	for (size_t i = 0; i < n; i++) { /* one file per task */
		char path[4096];
		int len = snprintf(path, sizeof path, "%s/%s", dir, files[i].name);
		fs[i] = procpool_submit(pp, count_file, path, (size_t)len);
		future_add_done_callback(fs[i], file_done, &files[i]);
	}
	procpool_shutdown(pp, true, false); /* every task done, every callback run */
	double secs = (double)(pool_now_ns() - t0) / 1e9;

	uint64_t total = 0;
	int failed = 0;
	printf("%-28s %12s %12s %10s\n", "file", "requests", "unique IPs", "worker");
	for (size_t i = 0; i < n; i++) {
		if (files[i].error[0]) {
			printf("%-28s  failed: %s\n", files[i].name, files[i].error);
			failed++;
		} else {
			printf("%-28s %12llu %12llu %10d\n", files[i].name,
			       (unsigned long long)files[i].counts.requests,
			       (unsigned long long)files[i].counts.unique_ips,
			       files[i].counts.worker_pid);
			total += files[i].counts.requests;
		}
		future_release(fs[i]);
	}
	printf("total: %llu requests in %zu files, %.3f s on %u processes; "
	       "collected by callbacks in pid %d (this process: %d)\n",
	       (unsigned long long)total, n - (size_t)failed, secs, procs,
	       atomic_load(&collector_pid), (int)getpid());
	procpool_destroy(pp);
	free(fs);
	free(files);
	return failed ? 1 : 0;
usage:
	fprintf(stderr, "usage: weft-logs [-p PROCESSES] DIR\n");
	return 2;
}
