/*
 * procpool_worker.c: the life of one worker process, from fork to _exit.
 *
 * Course idea: a process-pool worker is a loop: read a task from a pipe, run
 * it, write the result back. Everything the parent learns about the worker
 * comes through that pipe, the shared slot, or its exit status.
 *
 * The parent hands a worker one task at a time, and the worker writes each
 * result, as packets, before reading the next, so a result, once computed,
 * is in the parent's pipe before anything else can go wrong. The id 0 is the
 * parent's explicit stop; end of file on the task pipe means the same. A worker leaves by _exit(), never exit(): the atexit handlers and
 * stdio buffers it inherited belong to the parent.
 *
 * Read next: procpool_manager.c, the other end of the pipes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "procpool_impl.h"

#define READ_CHUNK 65536

int pp_buf_reserve(struct pp_buf *b, size_t more)
{
	if (b->start > 0 && b->end + more > b->cap) { /* compact first */
		memmove(b->data, b->data + b->start, b->end - b->start);
		b->end -= b->start;
		b->start = 0;
	}
	if (b->end + more <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 4096;
	while (cap < b->end + more)
		cap *= 2;
	unsigned char *p = realloc(b->data, cap);
	if (!p)
		return ENOMEM;
	b->data = p;
	b->cap = cap;
	return 0;
}

void pp_buf_free(struct pp_buf *b)
{
	free(b->data);
	*b = (struct pp_buf){ 0 };
}

/* Make sure `need` unread bytes are buffered; false at end of input. */
static bool fill(int fd, struct pp_buf *in, size_t need)
{
	while (in->end - in->start < need) {
		if (pp_buf_reserve(in, READ_CHUNK) != 0)
			_exit(70);
		ssize_t n = read(fd, in->data + in->end, in->cap - in->end);
		if (n > 0)
			in->end += (size_t)n;
		else if (n == 0)
			return false; /* the parent closed the pipe: time to go */
		else if (errno != EINTR)
			return false;
	}
	return true;
}

/* Write one packet; a pipe write of at most PIPE_BUF bytes is all or nothing. */
static void write_packet(int fd, const void *p, size_t n)
{
	ssize_t w;
	while ((w = write(fd, p, n)) < 0 && errno == EINTR)
		;
	if (w != (ssize_t)n)
		_exit(0); /* EPIPE: the parent is gone, nobody wants the result */
}

/* Send a result (or an error text) as packets (procpool_impl.h, THE WIRE). */
static void send_result(int fd, uint64_t magic, uint64_t id, int64_t status,
			const unsigned char *data, size_t len)
{
	static unsigned char pkt[PIPE_BUF];
	struct pp_packet h = { .magic = magic, .id = id, .status = status, .total = len };
	size_t off = 0;
	do {
		size_t n = len - off < PP_PAYLOAD_MAX ? len - off : PP_PAYLOAD_MAX;
		h.nbytes = (uint32_t)n;
		memcpy(pkt, &h, sizeof h);
		if (n)
			memcpy(pkt + sizeof h, data + off, n);
		write_packet(fd, pkt, sizeof h + n);
		off += n;
		h.seq++;
	} while (off < len);
}

_Noreturn void pp_worker_main(const struct procpool *pp, int in_fd, int out_fd,
			      struct pp_slot *slot, uint64_t magic)
{
	struct pp_buf in = { 0 };
	struct pool_bytes out = { 0 };
	if (pp->opt.initializer) {
		int rc = pp->opt.initializer(pp->opt.initarg, pp->opt.initarg_len);
		if (rc != 0) { /* tell the parent, which breaks the pool */
			send_result(out_fd, magic, 0, rc, NULL, 0);
			_exit(0);
		}
	}
	for (;;) {
		struct pp_task_msg msg;
		if (!fill(in_fd, &in, sizeof msg))
			_exit(0);
		memcpy(&msg, in.data + in.start, sizeof msg);
		if (msg.id == 0)
			_exit(0); /* the stop message */
		if (!fill(in_fd, &in, sizeof msg + msg.len))
			_exit(0);
		const unsigned char *arg = in.data + in.start + sizeof msg;

		/* Start time first, then the id: a parent that sees the id sees a
		 * start time at least this recent. */
		atomic_store_explicit(&slot->started_ns, pool_now_ns(), memory_order_relaxed);
		atomic_store_explicit(&slot->running, msg.id, memory_order_release);
		out.len = 0;
		procpool_fn fn = (procpool_fn)(uintptr_t)msg.fn;
		int status = fn(arg, msg.len, &out);

		send_result(out_fd, magic, msg.id, status, out.data, out.len);
		atomic_store_explicit(&slot->running, 0, memory_order_release);
		in.start += sizeof msg + msg.len;
	}
}
