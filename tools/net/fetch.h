/*
 * fetch.h: what weft-fetch's runners share (fetch.c: serial and thread
 * pool; fetch_async.c: coroutines on the event loop).
 *
 * Course idea: the downloader case study runs one job three ways, so the
 * job, its result and its failure names are defined once here and the
 * runners only differ in how they wait.
 *
 * Read next: fetch.c, fetch_async.c.
 */
#ifndef WEFT_FETCH_H
#define WEFT_FETCH_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct job {
	char addr[64];
	uint16_t port;
	const char *path;    /* into the URL argument */
	const char *name;    /* the stored file's name (the path's last part) */
	/* results */
	char status[48];     /* "ok", "refused", "HTTP 404", ... */
	unsigned long long bytes, expected;
	uint64_t hash;
	_Atomic unsigned long long progress;
};

struct run {
	const char *dir;
	int timeout_ms;
};
extern struct run run_cfg;

#define FNV_START 14695981039346656037ull
uint64_t fnv1a(uint64_t h, const char *d, size_t n);

/* The request for j into buf: its length, or -ENAMETOOLONG. */
int fetch_request(const struct job *j, char *buf, size_t cap);
/* A whole response head (NUL-terminated) checked: 0 with j->expected set
 * for a 200, 1 with j->status "HTTP N" for another status, or -EBADMSG. */
int fetch_check_head(const char *head, struct job *j);
/* DIR/.NAME.part and DIR/NAME. */
void fetch_paths(const struct job *j, char *part, char *final, size_t cap);
/* Finish a job: rename or remove the part file, and name the outcome
 * (err: 0, 1 (status already set), or a negative errno; -EPROTO: short body). */
void fetch_finish(struct job *j, int err, const char *part, const char *final);

void draw_progress(struct job *jobs, size_t n, size_t done, bool show);

/* fetch_async.c: every job as a task on lib/coro's loop, at most
 * `concurrent` at once, hashing on a thread pool. Returns the seconds taken. */
double run_async(struct job *jobs, size_t n, unsigned concurrent, bool show);

#endif
