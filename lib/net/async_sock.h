/*
 * async_sock.h: TCP sockets for coroutines: the calls of sock.h as awaits
 * on lib/coro's event loop, and a netio made of them.
 *
 * Course idea: the course's socket wrapper for coroutines. Each call is the
 * blocking version's three steps (try the call; on EAGAIN wait; repeat), but
 * the wait suspends only the calling task: async_fd_wait() on a socket that
 * is registered with epoll once, edge-triggered, with the deadline as a
 * timer of the loop. So the code reads like the blocking one (compare
 * sock.c) while one thread serves every connection.
 *
 * Contract: deadlines are absolute CLOCK_MONOTONIC nanoseconds
 * (net_now_ns(), NET_FOREVER), the loop's default clock. Every call returns
 * a byte count, a descriptor or 0, or a negative errno (-ETIMEDOUT at the
 * deadline, -ECANCELED if the task was cancelled, -ECONNRESET...), never a
 * signal: sends use MSG_NOSIGNAL. A call may be cancelled at any wait; the
 * socket then stays open and registered, and asock_close() still works.
 * Fairness: after ASOCK_BATCH calls in a row that did not have to wait, a
 * call lets every other ready task run once (async_sleep(self, 0)), so one
 * client that never pauses cannot starve the others.
 *
 * Read next: async_sock.c, then tools/net/httpd_event.c and fetch_async.c.
 */
#ifndef WEFT_ASYNC_SOCK_H
#define WEFT_ASYNC_SOCK_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "../coro/async.h"
#include "netio.h"

#define ASOCK_BATCH 16

struct asock {
	struct async_task *task; /* who calls now (set it when another task takes over) */
	struct async_fd *afd;    /* the loop's registration of fd */
	int fd;
	unsigned streak;         /* calls in a row without a wait */
	bool owned;              /* afd is ours (asock_open): asock_close frees it */
};

/* Adopt a connected non-blocking fd: register it. 0 or -errno (fd is then
 * not adopted: still the caller's). */
int asock_open(struct asock *s, struct async_task *self, int fd);
/* Use an fd already registered by its owner (afd): nothing is registered;
 * asock_close ends the registration (async_fd_fini) but frees nothing. */
void asock_attach(struct asock *s, struct async_task *self, struct async_fd *afd);

/* A connection from listening socket ls (non-blocking, close-on-exec,
 * TCP_NODELAY), or -EMFILE, -ETIMEDOUT, -ECANCELED... */
int asock_accept(struct asock *ls, int64_t deadline);
/* Connect to host:port (IPv4) by the deadline; s is then open. */
int asock_connect(struct asock *s, struct async_task *self, const char *host, uint16_t port,
		  int64_t deadline);

ssize_t asock_read(struct asock *s, void *buf, size_t n, int64_t deadline);
/* All n bytes: n, or a negative errno (some may have gone out). */
ssize_t asock_write_all(struct asock *s, const void *buf, size_t n, int64_t deadline);
/* n bytes of file from *off (advanced); a file shorter than that: -EIO. */
ssize_t asock_sendfile_all(struct asock *s, int file, off_t *off, size_t n, int64_t deadline);
/* Lingering close: stop sending, drain what the peer still sends until it
 * closes or the deadline, unregister, close; deadline NET_ABORT: a reset
 * (sock.h). Not cancellable: it closes. */
int asock_close(struct asock *s, int64_t deadline);

/* A netio (netio.h) on an asock, for http_serve() in a task. park_ns >= 0:
 * between two requests, once the connection has been quiet that long, the
 * read answers -EAGAIN and http_serve() returns with io->parked set and the
 * socket open (the event model then drops the task until the next edge);
 * park_ns < 0: wait to the deadline like the blocking netio. */
struct anetio {
	struct netio io;
	struct asock sock;
	int64_t park_ns;
};
void netio_async(struct anetio *a, struct async_task *self, struct async_fd *afd, int64_t park_ns);

#endif
