/*
 * pool_testutil.h: what the pool tests count before and after each case.
 *
 * Course idea: a pool that "works" but leaks a thread, a descriptor or a
 * zombie per use is broken, so the tests measure the process itself, as
 * xv6's usertests count free memory before and after. Everything here reads
 * /proc, so it is Linux-only, like the tests.
 *
 * Read next: pool_threadpool_test.c, pool_procpool_test.c.
 */
#ifndef WEFT_POOL_TESTUTIL_H
#define WEFT_POOL_TESTUTIL_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Entries in a /proc directory, not counting "." and "..". */
static inline int count_dir_entries(const char *path)
{
	DIR *d = opendir(path);
	if (!d)
		return -1;
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - (strcmp(path, "/proc/self/fd") == 0); /* the DIR's own fd */
}

static inline int count_open_fds(void) { return count_dir_entries("/proc/self/fd"); }
static inline int count_threads(void) { return count_dir_entries("/proc/self/task"); }

/* Children of this process, and how many of them are zombies (state Z). */
static inline void count_children(int *children, int *zombies)
{
	*children = *zombies = 0;
	DIR *d = opendir("/proc");
	if (!d)
		return;
	struct dirent *e;
	char path[300], buf[512];
	while ((e = readdir(d))) {
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
		FILE *f = fopen(path, "r");
		if (!f)
			continue;
		size_t n = fread(buf, 1, sizeof buf - 1, f);
		fclose(f);
		buf[n] = '\0';
		/* "pid (comm) S ppid ...": comm may hold spaces, so parse from ')'. */
		char *p = strrchr(buf, ')');
		char state;
		int ppid;
		if (!p || sscanf(p + 1, " %c %d", &state, &ppid) != 2 || ppid != getpid())
			continue;
		++*children;
		if (state == 'Z')
			++*zombies;
	}
	closedir(d);
}

static inline int count_zombies(void)
{
	int c, z;
	count_children(&c, &z);
	return z;
}

static inline void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) != 0)
		;
}

#endif
