/*
 * fetch_async.c: weft-fetch's async runner, the course's downloader as
 * coroutines on lib/coro's event loop.
 *
 * Course idea: the same job as fetch.c's, with the concurrency of the
 * thread pool and none of its threads. `concurrent` worker tasks take jobs
 * from a shared index; each download is straight-line code (connect, send
 * the request, read the head, stream the body to DIR/.NAME.part) whose
 * waits are awaits on the loop (lib/net/async_sock.h): while one waits for
 * bytes, the others run. Hashing is CPU work, which would stall every
 * download if done on the loop's thread, so each chunk is hashed on
 * lib/pool's thread pool while the next one arrives, and the task awaits
 * that work as a future (async_pool_submit: the pool hands the result back
 * through the loop's eventfd). A progress task redraws the bar every 100 ms from the same
 * counters. Failures (refused, reset, timeout, short body, HTTP status)
 * end their own job only, as in fetch.c.
 *
 * Read next: lib/net/async_sock.c, lib/coro/async_pool.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../coro/async_pool.h"
#include "async_sock.h"
#include "fetch.h"
#include "sock.h"

#define HASH_THREADS 2

struct shared {
	struct job *jobs;
	size_t n, next, done;
	struct threadpool *tp;
	bool show;
	struct async_task *progress; /* woken (cancelled) by the last job to finish */
};

/* The body's hash, computed on the pool while the next chunk arrives.
 * FNV-1a is sequential, so one chunk is on the pool at a time, in its own
 * buffer, and the next starts from its result; the loop reads the next
 * chunk into the other buffer meanwhile. */
struct chunk {
	uint64_t h;       /* in: the hash so far; out: with this chunk */
	const char *d;
	size_t n;
};

struct hasher {
	struct async_task *self;
	struct threadpool *tp;
	uint64_t h;
	int cur;                  /* the buffer the next chunk is read into */
	struct afuture *inflight; /* hashing the other buffer, or NULL */
	struct chunk chunk[2];
	char buf[2][65536];
};

/* On a pool thread. */
static int hash_chunk(void *arg, void **result)
{
	struct chunk *c = arg;
	c->h = fnv1a(c->h, c->d, c->n);
	*result = c;
	return 0;
}

/* Wait for the chunk on the pool: 0, or its error. The pool is using its
 * buffer until it is done, so a cancellation waits for that first. */
static int hasher_wait(struct hasher *hs)
{
	if (!hs->inflight)
		return 0;
	void *r = NULL;
	int err = async_await(hs->self, hs->inflight, &r), cancelled = err == -ECANCELED;
	while (!afuture_done(hs->inflight))
		err = async_await(hs->self, hs->inflight, &r);
	if (err == 0)
		hs->h = ((struct chunk *)r)->h;
	afuture_release(hs->inflight);
	hs->inflight = NULL;
	return cancelled ? -ECANCELED : err;
}

/* Hash the n bytes just read into buf[cur], on the pool. */
static int hasher_add(struct hasher *hs, size_t n)
{
	int err = hasher_wait(hs);
	if (err < 0)
		return err;
	struct chunk *c = &hs->chunk[hs->cur];
	*c = (struct chunk){ hs->h, hs->buf[hs->cur], n };
	hs->inflight = async_pool_submit(async_task_loop(hs->self), hs->tp, hash_chunk, c);
	if (!hs->inflight)
		return -ENOMEM;
	hs->cur ^= 1;
	return 0;
}

/* Read the head into buf (NUL-terminated); the body bytes read past it are
 * moved to buf's start: their count, or a negative errno. */
static ssize_t read_head(struct asock *c, char *buf, size_t cap)
{
	size_t got = 0;
	for (;;) {
		ssize_t k = asock_read(c, buf + got, cap - 1 - got, net_deadline_ms(run_cfg.timeout_ms));
		if (k < 0)
			return k;
		if (k == 0)
			return -ECONNRESET; /* closed before a whole head */
		got += (size_t)k;
		buf[got] = '\0';
		char *end = strstr(buf, "\r\n\r\n");
		if (end)
			return (ssize_t)(got - (size_t)(end + 4 - buf));
		if (got == cap - 1)
			return -EMSGSIZE;
	}
}

/* Stream the body (pre: bytes already read) into out, hashing it on the
 * pool as it comes: 0 or -errno. */
static int receive_body(struct asock *c, int out, struct job *j, struct hasher *hs,
			const char *pre, size_t npre)
{
	j->bytes = 0;
	for (bool first = true; first || j->bytes < j->expected; first = false) {
		char *buf = hs->buf[hs->cur];
		size_t want = j->expected - j->bytes < sizeof hs->buf[0] ? j->expected - j->bytes
									 : sizeof hs->buf[0];
		ssize_t k = (ssize_t)npre;
		if (first) /* the bytes that came with the head (at most 8 KiB) */
			memcpy(buf, pre, npre);
		else
			k = asock_read(c, buf, want, net_deadline_ms(run_cfg.timeout_ms));
		if (k < 0)
			return (int)k;
		if (k == 0 && !first)
			return -EPROTO; /* short body */
		if (k > 0 && write(out, buf, (size_t)k) != k)
			return -errno;
		j->bytes += (size_t)k;
		atomic_store(&j->progress, j->bytes);
		int err = k > 0 ? hasher_add(hs, (size_t)k) : 0;
		if (err < 0)
			return err;
	}
	return 0;
}

static int transfer(struct async_task *self, struct job *j, const char *part, struct hasher *hs)
{
	struct asock c;
	int r = asock_connect(&c, self, j->addr, j->port, net_deadline_ms(run_cfg.timeout_ms));
	if (r < 0)
		return r;
	char req[1024], head[8192];
	int n = fetch_request(j, req, sizeof req);
	ssize_t k = n < 0 ? n : asock_write_all(&c, req, (size_t)n, net_deadline_ms(run_cfg.timeout_ms));
	if (k >= 0)
		k = read_head(&c, head, sizeof head);
	if (k >= 0) {
		char *body = strstr(head, "\r\n\r\n") + 4;
		body[-1] = '\0'; /* the head ends at its blank line */
		r = fetch_check_head(head, j);
		if (r == 0) {
			int out = open(part, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
			size_t npre = (size_t)k > j->expected ? j->expected : (size_t)k;
			r = out < 0 ? -errno : receive_body(&c, out, j, hs, body, npre);
			int herr = hasher_wait(hs); /* the last chunk; and the buffer is ours again */
			if (!r)
				r = herr;
			if (out >= 0 && close(out) < 0 && !r)
				r = -errno;
		}
	} else {
		r = (int)k;
	}
	asock_close(&c, NET_ABORT); /* Connection: close was asked; nothing is owed */
	return r;
}

static int fetch_task(struct async_task *self, struct job *j, struct threadpool *tp)
{
	char part[4096], final[4096];
	fetch_paths(j, part, final, sizeof part);
	j->bytes = 0;
	atomic_store(&j->progress, 0);
	struct hasher *hs = malloc(sizeof *hs);
	int err = -ENOMEM;
	if (hs) {
		hs->self = self;
		hs->tp = tp;
		hs->h = FNV_START;
		hs->cur = 0;
		hs->inflight = NULL;
		err = transfer(self, j, part, hs);
		j->hash = hs->h;
		free(hs);
	}
	fetch_finish(j, err, part, final);
	return err == -ECANCELED ? err : 0;
}

static int worker(struct async_task *self, void *arg, void **result)
{
	(void)result;
	struct shared *sh = arg;
	while (sh->next < sh->n) {
		struct job *j = &sh->jobs[sh->next++];
		if (fetch_task(self, j, sh->tp) == -ECANCELED)
			return -ECANCELED;
		if (++sh->done == sh->n && sh->progress)
			async_task_cancel(sh->progress); /* the last one: no need to wait for its tick */
	}
	return 0;
}

static int progress(struct async_task *self, void *arg, void **result)
{
	(void)result;
	struct shared *sh = arg;
	while (sh->done < sh->n) {
		draw_progress(sh->jobs, sh->n, sh->done, sh->show);
		if (async_sleep(self, 100 * ASYNC_MS) < 0)
			break; /* cancelled by the last job */
	}
	draw_progress(sh->jobs, sh->n, sh->done, sh->show);
	return 0;
}

double run_async(struct job *jobs, size_t n, unsigned concurrent, bool show)
{
	int64_t t0 = net_now_ns();
	struct shared sh = { jobs, n, 0, 0, threadpool_create(HASH_THREADS, 0), show, NULL };
	struct async_loop *loop = async_loop_create(NULL, NULL);
	size_t nw = concurrent < n ? concurrent : n;
	struct async_task **ws = calloc(nw + 1, sizeof *ws);
	if (!sh.tp || !loop || !ws) {
		fprintf(stderr, "weft-fetch: cannot start the event loop: %s\n", strerror(errno));
		exit(1);
	}
	for (size_t i = 0; i < nw; i++)
		ws[i] = async_spawn(loop, "fetch", worker, &sh);
	ws[nw] = sh.progress = async_spawn(loop, "progress", progress, &sh);
	int r = async_run(loop);
	for (size_t i = 0; i <= nw; i++)
		if (ws[i])
			afuture_release(async_task_future(ws[i]));
	for (size_t i = sh.next; i < n; i++) /* only if no task could start */
		snprintf(jobs[i].status, sizeof jobs[i].status, "not started: %s",
			 strerror(r < 0 ? -r : ENOMEM));
	free(ws);
	async_loop_destroy(loop);
	threadpool_destroy(sh.tp);
	return (double)(net_now_ns() - t0) / 1e9;
}
