/*
 * sock.h: TCP socket helpers, each bounded by an absolute deadline.
 *
 * Course idea: the course's socket wrapper. Every call that may wait takes
 * an absolute deadline (CLOCK_MONOTONIC nanoseconds, NET_FOREVER for none)
 * rather than a timeout, so a loop of partial reads or writes cannot stretch
 * the total wait. Descriptors are always non-blocking: a call first tries
 * the operation, and only on EAGAIN waits with poll() for readiness, the
 * deadline, or `cancel_fd` (an eventfd that becomes readable at shutdown; -1
 * for none). Errors come back as negative errno, never as a signal: sends
 * use MSG_NOSIGNAL, and programs also ignore SIGPIPE.
 *
 * These are the blocking forms, for a thread or a process per connection
 * and for the client. The coroutine forms (async_sock.h) keep the same
 * loops and replace the poll() in net_wait() by awaiting readiness on
 * lib/coro's event loop: that is the one place that changes.
 *
 * Read next: netio.h (the same calls behind an interface), sock.c.
 */
#ifndef WEFT_SOCK_H
#define WEFT_SOCK_H

#include <stdint.h>
#include <sys/types.h>

#define NET_FOREVER INT64_MAX
/* As a close's deadline: reset the connection instead (SO_LINGER 0): for a
 * peer that stopped taking our answer, or a transfer cut short; the peer
 * sees ECONNRESET at once rather than a stream that might look complete. */
#define NET_ABORT 0

/* CLOCK_MONOTONIC in nanoseconds; deadline = net_now_ns() + timeout. */
int64_t net_now_ns(void);
int64_t net_deadline_ms(int ms);

/* Wait until fd has `events` (POLLIN/POLLOUT), the deadline passes
 * (-ETIMEDOUT) or cancel_fd is readable (-ECANCELED). */
int net_wait(int fd, short events, int64_t deadline, int cancel_fd);

/* A listening socket on host:port (port 0 picks one; *bound gets it). */
int net_listen(const char *host, uint16_t port, int backlog, uint16_t *bound);

/* Accept one connection (non-blocking, close-on-exec, TCP_NODELAY). */
int net_accept(int lfd, int64_t deadline, int cancel_fd);

/* Connect to host:port by the deadline: the fd, or -ECONNREFUSED,
 * -ETIMEDOUT, ... */
int net_connect(const char *host, uint16_t port, int64_t deadline);

/* Read up to n bytes (0 at end of stream). */
ssize_t net_read(int fd, void *buf, size_t n, int64_t deadline, int cancel_fd);

/* Write all n bytes: n, or a negative errno (bytes may have gone out). */
ssize_t net_write_all(int fd, const void *buf, size_t n, int64_t deadline, int cancel_fd);

/* Send n bytes of file from *off (advanced), all of them, as above. A file
 * that shrank underneath gives -EIO (the peer was promised n bytes). */
ssize_t net_sendfile_all(int fd, int file, off_t *off, size_t n, int64_t deadline, int cancel_fd);

/* A lingering close: stop sending, drain what the peer still sends until it
 * closes or the deadline passes, then close. Without it, unread input makes
 * the kernel answer with RST, which can destroy the response just sent. */
int net_close(int fd, int64_t deadline);
/* Close with a reset (the NET_ABORT case of net_close). */
int net_abort(int fd);

#endif
