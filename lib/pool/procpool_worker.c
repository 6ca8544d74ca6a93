/*
 * procpool_worker.c: the life of one worker process, from fork to _exit.
 *
 * Course idea: a process-pool worker is a loop: read a task from a pipe, run
 * it, write the result back. Everything the parent learns about the worker
 * comes through that pipe, the shared slot, or its exit status.
 *
 * The worker reads its task pipe in large chunks (many small tasks per read
 * system call) but writes each result before starting the next task, so a
 * result, once computed, is in the parent's pipe before anything else can go
 * wrong. A worker leaves by _exit(), never exit(): the atexit handlers and
 * stdio buffers it inherited belong to the parent.
 *
 * Read next: procpool_manager.c, the other end of the pipes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
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

static void write_all(int fd, struct iovec *iov, int n)
{
	while (n > 0) {
		ssize_t w = writev(fd, iov, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			_exit(0); /* EPIPE: the parent is gone, nobody wants the result */
		}
		while (n > 0 && (size_t)w >= iov->iov_len) {
			w -= (ssize_t)iov->iov_len;
			iov++;
			n--;
		}
		if (n > 0) {
			iov->iov_base = (char *)iov->iov_base + w;
			iov->iov_len -= (size_t)w;
		}
	}
}

_Noreturn void pp_worker_main(int in_fd, int out_fd, struct pp_slot *slot)
{
	struct pp_buf in = { 0 };
	struct pool_bytes out = { 0 };
	for (;;) {
		struct pp_task_msg msg;
		if (!fill(in_fd, &in, sizeof msg))
			_exit(0);
		memcpy(&msg, in.data + in.start, sizeof msg);
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

		struct pp_result_msg res = { .id = msg.id, .status = status, .len = out.len };
		struct iovec iov[2] = { { &res, sizeof res }, { out.data, out.len } };
		write_all(out_fd, iov, out.len ? 2 : 1);
		atomic_store_explicit(&slot->running, 0, memory_order_release);
		in.start += sizeof msg + msg.len;
	}
}
