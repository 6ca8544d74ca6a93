/*
 * netio.h: the small IO interface a connection is served through.
 *
 * Course idea: one handler, several IO models. http_serve() reads and
 * writes only through these four operations, so the same loop serves a
 * connection from a thread, from a forked process, or (with lib/coro) from
 * a coroutine whose operations await readiness on the event loop instead of
 * blocking in poll(). Each operation takes an absolute deadline (sock.h) and
 * returns a byte count or a negative errno.
 *
 * netio_blocking() fills one in with the sock.h helpers (it never parks);
 * netio_async() (async_sock.h) with awaits on lib/coro's loop.
 *
 * Read next: http_serve.c.
 */
#ifndef WEFT_NETIO_H
#define WEFT_NETIO_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct netio;
struct netio_ops {
	ssize_t (*read)(struct netio *io, void *buf, size_t n, int64_t deadline);
	ssize_t (*write_all)(struct netio *io, const void *buf, size_t n, int64_t deadline);
	ssize_t (*sendfile_all)(struct netio *io, int file, off_t *off, size_t n, int64_t deadline);
	int (*close)(struct netio *io, int64_t deadline);
};

struct netio {
	const struct netio_ops *ops;
	int fd;
	/* Readable at shutdown: a read waiting for a new request gives
	 * -ECANCELED (writes and reads of a begun request ignore it). */
	int cancel_fd;
	/* Set by http_serve() around the read that waits between two requests.
	 * A netio may answer that read with -EAGAIN, meaning "parked": nothing
	 * is buffered and the connection is quiet; http_serve() then returns
	 * with `parked` set and the socket left open, to be served again by a
	 * later call (the coroutine netio does this: async_sock.h). */
	bool between;
	bool parked;
};

void netio_blocking(struct netio *io, int fd, int cancel_fd);

#endif
