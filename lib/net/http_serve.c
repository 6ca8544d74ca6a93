/*
 * http_serve.c: the connection loop over a netio (see http_serve.h).
 *
 * Course idea: deadlines against slow clients (slowloris). Between requests
 * a connection may be idle for cfg->idle_ms; once the first byte of a
 * request arrives, the whole request must arrive within cfg->header_ms of
 * it, however slowly the bytes trickle (an absolute deadline, not a per-read
 * timeout a client could reset with one byte at a time). Sending must make
 * progress within cfg->idle_ms per call; when it does not (or fails, or the
 * task is cancelled), the connection is reset at once (NET_ABORT): no
 * lingering wait for a peer that is not reading, and the peer cannot take
 * a cut answer for a whole one. At shutdown a connection waiting between
 * requests closes at once; one with a request begun finishes it.
 *
 * Read next: tools/net/httpd_blocking.c (threads, processes),
 * tools/net/httpd_event.c (the same steps from an epoll loop).
 */
#include "http_serve.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "sock.h"

/* Send what the session has queued: bytes, then any file. 0 or -errno. */
static int send_pending(struct netio *io, struct http_session *s, const struct http_cfg *cfg)
{
	for (;;) {
		size_t n;
		const char *out = http_session_out(s, &n);
		if (n > 0) {
			ssize_t k = io->ops->write_all(io, out, n, net_deadline_ms(cfg->idle_ms));
			if (k < 0)
				return (int)k;
			http_session_sent(s, (size_t)k);
		}
		if (s->file_left > 0) {
			ssize_t k = io->ops->sendfile_all(io, s->file_fd, &s->file_off, s->file_left,
							  net_deadline_ms(cfg->idle_ms));
			if (k < 0)
				return (int)k;
			http_session_file_sent(s, (size_t)k);
		}
		http_session_process(s); /* pipelined requests waiting behind a file */
		if (http_session_out(s, &n), n == 0 && s->file_left == 0)
			return 0;
	}
}

unsigned long http_serve(struct netio *io, struct http_session *s, const struct http_cfg *cfg)
{
	http_session_init(s, cfg);
	io->parked = false;
	/* A new connection must send its first request within header_ms,
	 * like one that has begun a request: connecting and then sending
	 * nothing is slowloris too. */
	int64_t request_deadline = net_deadline_ms(cfg->header_ms);
	bool first = true;
	int cancel_fd = io->cancel_fd;
	int64_t close_by = -1; /* lingering, unless an answer was cut short */
	for (;;) {
		if (send_pending(io, s, cfg) < 0) {
			close_by = NET_ABORT; /* the peer must not take a cut answer for a whole one */
			break;
		}
		if (http_session_finished(s))
			break;
		size_t room;
		char *buf = http_session_inbuf(s, &room);
		bool begun = http_session_reading(s);
		if (!begun && atomic_load(&cfg->shutting_down))
			break;
		/* A begun request is finished even at shutdown: cancel only idle waits. */
		io->cancel_fd = begun ? -1 : cancel_fd;
		io->between = !begun && !first && http_session_idle(s);
		int64_t deadline = begun || first ? request_deadline : net_deadline_ms(cfg->idle_ms);
		ssize_t k = io->ops->read(io, buf, room, deadline);
		io->cancel_fd = cancel_fd;
		if (k == -EAGAIN && io->between) { /* parked: quiet, nothing buffered */
			io->between = false;
			io->parked = true;
			http_session_release(s);
			return s->requests;
		}
		io->between = false;
		if (k == -ETIMEDOUT && begun) {
			http_session_timeout(s); /* 408, then close */
			continue;
		}
		if (k <= 0)
			break; /* end of stream, reset, idle timeout, shutdown */
		if (!begun && !first)
			request_deadline = net_deadline_ms(cfg->header_ms);
		first = false;
		unsigned long answered = s->requests;
		http_session_received(s, (size_t)k);
		http_session_process(s);
		if (s->requests != answered)
			request_deadline = net_deadline_ms(cfg->header_ms); /* a pipelined next one */
	}
	unsigned long served = s->requests;
	http_session_release(s);
	io->ops->close(io, close_by == NET_ABORT ? NET_ABORT : net_deadline_ms(1000));
	return served;
}

static ssize_t b_read(struct netio *io, void *buf, size_t n, int64_t deadline)
{
	return net_read(io->fd, buf, n, deadline, io->cancel_fd);
}

static ssize_t b_write_all(struct netio *io, const void *buf, size_t n, int64_t deadline)
{
	return net_write_all(io->fd, buf, n, deadline, -1);
}

static ssize_t b_sendfile_all(struct netio *io, int file, off_t *off, size_t n, int64_t deadline)
{
	return net_sendfile_all(io->fd, file, off, n, deadline, -1);
}

static int b_close(struct netio *io, int64_t deadline)
{
	int r = net_close(io->fd, deadline);
	io->fd = -1;
	return r;
}

static const struct netio_ops blocking_ops = { b_read, b_write_all, b_sendfile_all, b_close };

void netio_blocking(struct netio *io, int fd, int cancel_fd)
{
	io->ops = &blocking_ops;
	io->fd = fd;
	io->cancel_fd = cancel_fd;
}
