/*
 * sock.c: the deadline-bounded socket helpers (see sock.h).
 *
 * Course idea: non-blocking IO with a readiness wait. Each helper is the
 * same three steps: try the call; on EAGAIN wait for readiness (net_wait);
 * repeat until done, failed, or past the deadline.
 *
 * Read next: http_serve.c, which serves a connection through these.
 */
#include "sock.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

int64_t net_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t net_deadline_ms(int ms)
{
	return ms < 0 ? NET_FOREVER : net_now_ns() + (int64_t)ms * 1000000;
}

int net_wait(int fd, short events, int64_t deadline, int cancel_fd)
{
	struct pollfd p[2] = { { fd, events, 0 }, { cancel_fd, POLLIN, 0 } };
	for (;;) {
		int ms = -1;
		if (deadline != NET_FOREVER) {
			int64_t left = deadline - net_now_ns();
			if (left <= 0)
				return -ETIMEDOUT;
			ms = (int)((left + 999999) / 1000000);
		}
		int r = poll(p, cancel_fd >= 0 ? 2 : 1, ms);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (cancel_fd >= 0 && p[1].revents)
			return -ECANCELED;
		if (p[0].revents)
			return 0; /* ready, or HUP/ERR: the next call reports which */
	}
}

int net_listen(const char *host, uint16_t port, int backlog, uint16_t *bound)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	if (inet_pton(AF_INET, host, &a.sin_addr) != 1)
		return -EINVAL;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	socklen_t len = sizeof a;
	if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || listen(fd, backlog) < 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	if (bound)
		*bound = ntohs(a.sin_port);
	return fd;
}

int net_accept(int lfd, int64_t deadline, int cancel_fd)
{
	for (;;) {
		int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd >= 0) {
			int one = 1;
			setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
			return fd;
		}
		if (errno == EINTR || errno == ECONNABORTED)
			continue;
		if (errno != EAGAIN)
			return -errno;
		int r = net_wait(lfd, POLLIN, deadline, cancel_fd);
		if (r < 0)
			return r;
	}
}

int net_connect(const char *host, uint16_t port, int64_t deadline)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	if (inet_pton(AF_INET, host, &a.sin_addr) != 1)
		return -EINVAL;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	int r = 0;
	if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) {
		r = errno == EINPROGRESS ? net_wait(fd, POLLOUT, deadline, -1) : -errno;
		if (r == 0) {
			int err = 0;
			socklen_t len = sizeof err;
			getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
			r = -err;
		}
	}
	if (r < 0) {
		close(fd);
		return r;
	}
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	return fd;
}

ssize_t net_read(int fd, void *buf, size_t n, int64_t deadline, int cancel_fd)
{
	for (;;) {
		ssize_t k = read(fd, buf, n);
		if (k >= 0)
			return k;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN)
			return -errno;
		int r = net_wait(fd, POLLIN, deadline, cancel_fd);
		if (r < 0)
			return r;
	}
}

ssize_t net_write_all(int fd, const void *buf, size_t n, int64_t deadline, int cancel_fd)
{
	size_t done = 0;
	while (done < n) {
		ssize_t k = send(fd, (const char *)buf + done, n - done, MSG_NOSIGNAL);
		if (k > 0) {
			done += (size_t)k;
			continue;
		}
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0 && errno != EAGAIN)
			return -errno;
		int r = net_wait(fd, POLLOUT, deadline, cancel_fd);
		if (r < 0)
			return r;
	}
	return (ssize_t)done;
}

ssize_t net_sendfile_all(int fd, int file, off_t *off, size_t n, int64_t deadline, int cancel_fd)
{
	size_t done = 0;
	while (done < n) {
		ssize_t k = sendfile(fd, file, off, n - done);
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
		int r = net_wait(fd, POLLOUT, deadline, cancel_fd);
		if (r < 0)
			return r;
	}
	return (ssize_t)done;
}

int net_abort(int fd)
{
	struct linger l = { 1, 0 };
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
	return close(fd) < 0 ? -errno : 0;
}

int net_close(int fd, int64_t deadline)
{
	char sink[4096];
	if (deadline == NET_ABORT)
		return net_abort(fd);
	shutdown(fd, SHUT_WR);
	while (net_read(fd, sink, sizeof sink, deadline, -1) > 0)
		;
	return close(fd) < 0 ? -errno : 0;
}
