/*
 * procpool_map.c: Python's ProcessPoolExecutor.map(), lazy, with chunks.
 *
 * Course idea: one round trip per tiny item costs more than the item, so
 * map() sends items in chunks: one task carries `chunksize` arguments, and
 * the worker runs the user's function on each and sends back all the
 * results at once. The parent keeps a small window of chunks in flight and
 * submits the next one as the caller consumes results (laziness), and one
 * deadline covers the whole map (Python's timeout).
 *
 * A chunk is an ordinary procpool task whose function is run_chunk() below
 * and whose argument is the encoded chunk:
 *     u64 fn, u64 count, then count x (u64 len, len bytes)
 * and whose result is count x (i64 status, u64 len, len bytes). A chunk's
 * future fails only if its worker dies (or is killed for a deadline or a
 * protocol error): every item in it then reports that error.
 *
 * Read next: procpool_manager.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "future_exec.h"
#include "pool_os.h"
#include "procpool.h"

#define CHUNKS_PER_WORKER 2 /* queued or running ahead of the consumer */

struct procpool_map {
	struct procpool *pp;
	procpool_fn fn;
	const void *const *args;
	const size_t *lens;
	size_t n, chunksize;
	int64_t deadline;        /* pool_now_ns() clock; INT64_MAX = none */
	size_t window;           /* chunks in flight at most */
	struct future **chunks;  /* ring of `window` chunk futures */
	size_t next_submit;      /* first item not yet submitted */
	size_t next_item;        /* next item to hand to the caller */
	size_t consumed_chunks;  /* chunks fully handed out */
	size_t pos;              /* read offset in the current chunk's result */
	const char *error;       /* message for the last item */
	char *error_buf;
	int submit_error;        /* why next_submit stopped short of n, or 0 */
	struct future *spent;    /* the chunk whose result the caller may still read */
	bool over;               /* timed out */
};

/* ---- in the worker ---- */

static int run_chunk(const void *arg, size_t len, struct pool_bytes *out)
{
	const unsigned char *p = arg, *end = p + len;
	uint64_t fn_bits, count;
	if (len < 16)
		return EINVAL;
	memcpy(&fn_bits, p, 8);
	memcpy(&count, p + 8, 8);
	p += 16;
	procpool_fn fn = (procpool_fn)(uintptr_t)fn_bits;
	struct pool_bytes one = { 0 };
	for (uint64_t i = 0; i < count; i++) {
		uint64_t n;
		if ((size_t)(end - p) < 8)
			return EINVAL;
		memcpy(&n, p, 8);
		if ((size_t)(end - p - 8) < n)
			return EINVAL;
		one.len = 0;
		int64_t status = fn(p + 8, n, &one);
		uint64_t rlen = one.len;
		if (pool_bytes_append(out, &status, 8) || pool_bytes_append(out, &rlen, 8) ||
		    pool_bytes_append(out, one.data, one.len)) {
			free(one.data);
			return ENOMEM;
		}
		p += 8 + n;
	}
	free(one.data);
	return 0;
}

/* ---- in the parent ---- */

static int submit_chunk(struct procpool_map *m)
{
	size_t first = m->next_submit, count = m->n - first;
	if (count > m->chunksize)
		count = m->chunksize;
	struct pool_bytes b = { 0 };
	uint64_t hdr[2] = { (uintptr_t)m->fn, count };
	int err = pool_bytes_append(&b, hdr, sizeof hdr);
	for (size_t i = first; i < first + count && !err; i++) {
		uint64_t len = m->lens[i];
		err = pool_bytes_append(&b, &len, 8);
		if (!err)
			err = pool_bytes_append(&b, m->args[i], m->lens[i]);
	}
	struct future *f = err ? NULL : procpool_submit(m->pp, run_chunk, b.data, b.len);
	if (!f && !err)
		err = errno;
	free(b.data);
	if (err)
		return err;
	size_t chunk_index = first / m->chunksize;
	m->chunks[chunk_index % m->window] = f;
	m->next_submit = first + count;
	return 0;
}

static void fill_window(struct procpool_map *m)
{
	while (m->next_submit < m->n &&
	       m->next_submit / m->chunksize < m->consumed_chunks + m->window)
		if ((m->submit_error = submit_chunk(m)) != 0)
			break; /* reported when the caller reaches those items */
}

struct procpool_map *procpool_map_start(struct procpool *pp, procpool_fn fn,
					const void *const args[], const size_t lens[], size_t n,
					size_t chunksize, int64_t timeout_ns)
{
	struct procpool_map *m = calloc(1, sizeof *m);
	if (!m)
		return NULL;
	m->pp = pp;
	m->fn = fn;
	m->args = args;
	m->lens = lens;
	m->n = n;
	m->chunksize = chunksize ? chunksize : 1;
	int64_t now = pool_now_ns();
	m->deadline = timeout_ns < 0 || timeout_ns > INT64_MAX - now ? INT64_MAX : now + timeout_ns;
	m->window = CHUNKS_PER_WORKER * procpool_stats(pp).live;
	if (m->window < 2)
		m->window = 2;
	m->chunks = calloc(m->window, sizeof *m->chunks);
	if (!m->chunks) {
		free(m);
		errno = ENOMEM;
		return NULL;
	}
	fill_window(m);
	if (n > 0 && m->next_submit == 0) { /* not even one chunk went */
		int err = m->submit_error;
		procpool_map_end(m);
		errno = err;
		return NULL;
	}
	return m;
}

/* Read one item's (status, len, bytes) from a chunk's result at m->pos. */
static int take_item(struct procpool_map *m, struct future *f, const void **result, size_t *len)
{
	const unsigned char *p = future_result(f);
	size_t have = future_result_len(f);
	int64_t status;
	uint64_t n;
	if (have < m->pos + 16) {
		m->error = "a chunk's result is shorter than its items";
		return EPROTO;
	}
	memcpy(&status, p + m->pos, 8);
	memcpy(&n, p + m->pos + 8, 8);
	if (have - m->pos - 16 < n) {
		m->error = "a chunk's result is shorter than its items";
		return EPROTO;
	}
	const unsigned char *bytes = p + m->pos + 16;
	m->pos += 16 + n;
	if (status == 0) {
		*result = bytes;
		*len = n;
		return 0;
	}
	free(m->error_buf);
	m->error_buf = malloc(n + 1);
	if (m->error_buf) {
		memcpy(m->error_buf, bytes, n);
		m->error_buf[n] = '\0';
		m->error = m->error_buf;
	}
	return (int)status;
}

int procpool_map_next(struct procpool_map *m, const void **result, size_t *len)
{
	*result = NULL;
	*len = 0;
	m->error = "";
	if (m->spent) { /* the caller is done with the previous item */
		future_release(m->spent);
		m->spent = NULL;
	}
	if (m->over)
		return ETIMEDOUT;
	if (m->next_item >= m->n)
		return ENOENT;
	if (m->next_item >= m->next_submit) { /* its chunk could not be submitted */
		m->next_item++;
		m->error = "the chunk holding this item could not be submitted";
		return m->submit_error;
	}
	size_t slot = (m->next_item / m->chunksize) % m->window;
	struct future *f = m->chunks[slot];
	int64_t left = FUTURE_FOREVER;
	if (m->deadline != INT64_MAX) {
		left = m->deadline - pool_now_ns();
		left = left < 0 ? 0 : left; /* past it: still take a result already there */
	}
	if (future_wait(f, left) != 0) {
		m->over = true;
		m->error = "the map's timeout expired";
		return ETIMEDOUT;
	}
	int rc;
	if (future_state(f) == FUTURE_DONE) {
		rc = take_item(m, f, result, len);
	} else { /* the whole chunk failed: its worker died */
		rc = future_error(f);
		m->error = future_error_message(f);
	}
	m->next_item++;
	if (m->next_item % m->chunksize == 0 || m->next_item == m->n) {
		m->chunks[slot] = NULL;
		m->spent = f; /* released at the next call: *result points into it */
		m->consumed_chunks++;
		m->pos = 0;
		fill_window(m);
	}
	return rc;
}

const char *procpool_map_error(const struct procpool_map *m) { return m->error ? m->error : ""; }

void procpool_map_end(struct procpool_map *m)
{
	for (size_t i = 0; i < m->window; i++)
		if (m->chunks[i]) {
			future_cancel(m->chunks[i]); /* false if it already started */
			future_release(m->chunks[i]);
		}
	if (m->spent)
		future_release(m->spent);
	free(m->error_buf);
	free(m->chunks);
	free(m);
}
