/*
 * async_sock.c: the awaiting socket calls (async_sock.h).
 *
 * Course idea: compare with sock.c line by line: the same loops, with
 * net_wait()'s poll() replaced by wait_ready(), which suspends the task on
 * the event loop. Only the task waits; the thread goes on serving others.
 *
 * Read next: tools/net/httpd_event.c (a task per connection).
 */
#include "async_sock.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sock.h"

static uint64_t loop_deadline(int64_t deadline)
{
	return deadline == NET_FOREVER || deadline < 0 ? ASYNC_NEVER : (uint64_t)deadline;
}

/* After EAGAIN: wait for the next edge of `events`, or the deadline. */
static int wait_ready(struct asock *s, unsigned events, int64_t deadline)
{
	s->streak = 0;
	async_fd_clear(s->afd, events);
	return async_fd_wait(s->task, s->afd, events, loop_deadline(deadline));
}

/* After a call that did not wait: every ASOCK_BATCH of them, let the others run. */
static int fair(struct asock *s)
{
	if (++s->streak < ASOCK_BATCH)
		return 0;
	s->streak = 0;
	return async_sleep(s->task, 0);
}

int asock_open(struct asock *s, struct async_task *self, int fd)
{
	struct async_fd *afd = async_fd_open(async_task_loop(self), fd, NULL, NULL);
	if (!afd)
		return -errno;
	asock_attach(s, self, afd);
	s->owned = true;
	return 0;
}

void asock_attach(struct asock *s, struct async_task *self, struct async_fd *afd)
{
	*s = (struct asock){ self, afd, async_fd_fileno(afd), 0, false };
}

int asock_accept(struct asock *ls, int64_t deadline)
{
	for (;;) {
		int fd = accept4(ls->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd >= 0) {
			int one = 1;
			setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
			int r = fair(ls);
			if (r < 0) {
				close(fd);
				return r;
			}
			return fd;
		}
		if (errno == EINTR || errno == ECONNABORTED)
			continue;
		if (errno != EAGAIN)
			return -errno;
		int r = wait_ready(ls, POLLER_IN, deadline);
		if (r < 0)
			return r;
	}
}

int asock_connect(struct asock *s, struct async_task *self, const char *host, uint16_t port,
		  int64_t deadline)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	if (inet_pton(AF_INET, host, &a.sin_addr) != 1)
		return -EINVAL;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	int r = asock_open(s, self, fd);
	if (r < 0) {
		close(fd);
		return r;
	}
	if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) {
		r = errno == EINPROGRESS ? wait_ready(s, POLLER_OUT, deadline) : -errno;
		if (r == 0) {
			int err = 0;
			socklen_t len = sizeof err;
			getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
			r = -err;
		}
	}
	if (r < 0) {
		async_fd_close(s->afd);
		close(fd);
		s->afd = NULL;
		s->fd = -1;
		return r;
	}
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	return 0;
}

ssize_t asock_read(struct asock *s, void *buf, size_t n, int64_t deadline)
{
	for (;;) {
		if (!(async_fd_ready(s->afd) & POLLER_IN)) { /* a short read emptied it */
			int r = wait_ready(s, POLLER_IN, deadline);
			if (r < 0)
				return r;
		}
		ssize_t k = read(s->fd, buf, n);
		if (k >= 0) {
			if (k > 0 && (size_t)k < n) /* queue emptied: the next read waits first */
				async_fd_clear(s->afd, POLLER_IN);
			int r = fair(s);
			return r < 0 ? r : k;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN)
			return -errno;
		int r = wait_ready(s, POLLER_IN, deadline);
		if (r < 0)
			return r;
	}
}

ssize_t asock_write_all(struct asock *s, const void *buf, size_t n, int64_t deadline)
{
	size_t done = 0;
	while (done < n) {
		ssize_t k = send(s->fd, (const char *)buf + done, n - done, MSG_NOSIGNAL);
		if (k > 0) {
			done += (size_t)k;
			continue;
		}
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0 && errno != EAGAIN)
			return -errno;
		int r = wait_ready(s, POLLER_OUT, deadline);
		if (r < 0)
			return r;
	}
	int r = fair(s);
	return r < 0 ? r : (ssize_t)done;
}

ssize_t asock_sendfile_all(struct asock *s, int file, off_t *off, size_t n, int64_t deadline)
{
	size_t done = 0;
	while (done < n) {
		ssize_t k = sendfile(s->fd, file, off, n - done);
		if (k > 0) {
			done += (size_t)k;
			continue;
		}
		if (k == 0)
			return -EIO; /* the file is shorter than promised */
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN)
			return -errno;
		int r = wait_ready(s, POLLER_OUT, deadline);
		if (r < 0)
			return r;
	}
	int r = fair(s);
	return r < 0 ? r : (ssize_t)done;
}

int asock_close(struct asock *s, int64_t deadline)
{
	char sink[512];
	s->streak = 0;
	if (deadline != NET_ABORT) {
		shutdown(s->fd, SHUT_WR);
		ssize_t k;
		while ((k = asock_read(s, sink, sizeof sink, deadline)) > 0 || k == -ECANCELED)
			; /* a cancellation does not stop the close: it is what ends the task */
	}
	if (s->owned)
		async_fd_close(s->afd);
	else
		async_fd_fini(s->afd);
	int r = deadline == NET_ABORT ? net_abort(s->fd) : close(s->fd) < 0 ? -errno : 0;
	s->afd = NULL;
	s->fd = -1;
	return r;
}

/* ---- the netio ---- */

static struct anetio *anetio_of(struct netio *io) { return (struct anetio *)io; }

/* The read between two requests, when parking: park at once if the socket
 * is known to be empty (no clock, no timer: the common keep-alive case),
 * else wait at most park_ns for more. */
static ssize_t read_or_park(struct anetio *a, void *buf, size_t n, int64_t deadline)
{
	struct asock *s = &a->sock;
	if (a->park_ns == 0) {
		ssize_t k = -EAGAIN;
		if (async_fd_ready(s->afd) & POLLER_IN) {
			k = read(s->fd, buf, n);
			if (k < 0)
				k = errno == EINTR ? -EAGAIN : -errno; /* EINTR: the next edge retries */
			if (k == -EAGAIN || (k > 0 && (size_t)k < n))
				async_fd_clear(s->afd, POLLER_IN);
		}
		return k;
	}
	int64_t park_at = net_now_ns() + a->park_ns;
	if (park_at >= deadline)
		return asock_read(s, buf, n, deadline);
	ssize_t k = asock_read(s, buf, n, park_at);
	return k == -ETIMEDOUT ? -EAGAIN : k; /* quiet long enough: park */
}

static ssize_t a_read(struct netio *io, void *buf, size_t n, int64_t deadline)
{
	struct anetio *a = anetio_of(io);
	if (io->between && a->park_ns >= 0)
		return read_or_park(a, buf, n, deadline);
	return asock_read(&a->sock, buf, n, deadline);
}

static ssize_t a_write_all(struct netio *io, const void *buf, size_t n, int64_t deadline)
{
	return asock_write_all(&anetio_of(io)->sock, buf, n, deadline);
}

static ssize_t a_sendfile_all(struct netio *io, int file, off_t *off, size_t n, int64_t deadline)
{
	return asock_sendfile_all(&anetio_of(io)->sock, file, off, n, deadline);
}

static int a_close(struct netio *io, int64_t deadline)
{
	int r = asock_close(&anetio_of(io)->sock, deadline);
	io->fd = -1;
	return r;
}

static const struct netio_ops async_ops = { a_read, a_write_all, a_sendfile_all, a_close };

void netio_async(struct anetio *a, struct async_task *self, struct async_fd *afd, int64_t park_ns)
{
	*a = (struct anetio){ .io = { .ops = &async_ops, .fd = async_fd_fileno(afd), .cancel_fd = -1 },
			      .park_ns = park_ns };
	asock_attach(&a->sock, self, afd);
}
