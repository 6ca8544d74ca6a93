/*
 * net_testutil.h: start weft-httpd for a test and talk to it on loopback.
 *
 * Course idea: test a server as its clients see it, from outside: each
 * group starts the real program (built under ASan+UBSan, so a leak or a bad
 * access fails its exit status), waits for its "listening on" line, and
 * stops it with SIGTERM, expecting exit 0. Every socket has a receive
 * timeout, so no case can hang.
 *
 * Read next: net_server_test.c.
 */
#ifndef WEFT_NET_TESTUTIL_H
#define WEFT_NET_TESTUTIL_H

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct server {
	pid_t pid;
	int port;
};

/* Start weft-httpd with extra arguments (NULL-terminated); prefix is an
 * optional wrapper such as "prlimit" (NULL for none). */
static inline struct server server_start(const char *const *prefix, const char *const *args)
{
	int out[2];
	if (pipe(out) < 0)
		abort();
	const char *argv[32];
	int n = 0;
	for (; prefix && *prefix; prefix++)
		argv[n++] = *prefix;
	argv[n++] = HTTPD;
	argv[n++] = "--port";
	argv[n++] = "0";
	for (; args && *args; args++)
		argv[n++] = *args;
	argv[n] = NULL;
	pid_t pid = fork();
	if (pid == 0) {
		dup2(out[1], 1);
		close(out[0]);
		close(out[1]);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(out[1]);
	char line[256];
	ssize_t k = 0, got = 0;
	while (got < (ssize_t)sizeof line - 1 && (k = read(out[0], line + got, sizeof line - 1 - (size_t)got)) > 0) {
		got += k;
		if (memchr(line, '\n', (size_t)got))
			break;
	}
	close(out[0]);
	line[got > 0 ? got : 0] = '\0';
	const char *colon = strrchr(line, ':');
	struct server s = { pid, colon ? atoi(colon + 1) : 0 };
	if (!s.port) {
		fprintf(stderr, "server did not start: '%s'\n", line);
		abort();
	}
	return s;
}

/* SIGTERM, then the exit status (waits at most ~10 s, then SIGKILL). */
static inline int server_stop(struct server *s)
{
	kill(s->pid, SIGTERM);
	int st = 0;
	for (int i = 0; i < 1000; i++) {
		if (waitpid(s->pid, &st, WNOHANG) == s->pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		usleep(10000);
	}
	kill(s->pid, SIGKILL);
	waitpid(s->pid, &st, 0);
	return -1;
}

static inline int count_fds(pid_t pid)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/fd", (int)pid);
	DIR *d = opendir(path);
	int n = 0;
	if (!d)
		return -1;
	for (struct dirent *e; (e = readdir(d)); )
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/* Wait up to 3 s for the server's descriptor count to come back to `base`. */
static inline int fds_settle(pid_t pid, int base)
{
	int n = count_fds(pid);
	for (int i = 0; i < 300 && n > base; i++) {
		usleep(10000);
		n = count_fds(pid);
	}
	return n;
}

/* utime+stime of a process, in clock ticks. */
static inline long cpu_ticks(pid_t pid)
{
	char path[64], buf[1024];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	char *p = strrchr(buf, ')');
	unsigned long ut = 0, st = 0;
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
		return -1;
	return (long)(ut + st);
}

static inline int tcp_connect(int port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	struct timeval tv = { 5, 0 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) {
		close(fd);
		return -errno;
	}
	return fd;
}

static inline void send_str(int fd, const char *s)
{
	size_t n = strlen(s);
	while (n > 0) {
		ssize_t k = send(fd, s, n, MSG_NOSIGNAL);
		if (k <= 0)
			return;
		s += k;
		n -= (size_t)k;
	}
}

/* Close with RST instead of FIN (SO_LINGER 0): a client that vanishes. */
static inline void reset_close(int fd)
{
	struct linger l = { 1, 0 };
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
	close(fd);
}

/* Read one response head (byte by byte: never past it): its status, 0 at
 * EOF or timeout; the head into head (if not NULL). */
static inline int read_head(int fd, char *head, size_t cap, long *body_len)
{
	char buf[4096];
	size_t got = 0;
	while (got < 4 || memcmp(buf + got - 4, "\r\n\r\n", 4) != 0) {
		if (got == sizeof buf - 1)
			return 0;
		ssize_t k = recv(fd, buf + got, 1, 0);
		if (k <= 0)
			return 0;
		got += (size_t)k;
	}
	buf[got] = '\0';
	const char *cl = strcasestr(buf, "\r\nContent-Length:");
	if (body_len)
		*body_len = cl ? atol(cl + 17) : 0;
	if (head && cap > 0) {
		size_t n = got < cap - 1 ? got : cap - 1;
		memcpy(head, buf, n);
		head[n] = '\0';
	}
	return atoi(buf + 9);
}

/* Read one response, head and body (dropped): its status, 0 on failure. */
static inline int read_response(int fd, char *head, size_t cap, long *body_len)
{
	long len = 0;
	int status = read_head(fd, head, cap, &len);
	if (body_len)
		*body_len = len;
	char buf[65536];
	for (long left = status == 304 ? 0 : len; status && left > 0; ) {
		ssize_t k = recv(fd, buf, left < (long)sizeof buf ? (size_t)left : sizeof buf, 0);
		if (k <= 0)
			return 0;
		left -= k;
	}
	return status;
}

/* True if the peer closes (EOF or reset) within the socket's timeout. */
static inline bool closed_by_peer(int fd)
{
	char c[256];
	for (;;) {
		ssize_t k = recv(fd, c, sizeof c, 0);
		if (k == 0 || (k < 0 && errno == ECONNRESET))
			return true;
		if (k < 0)
			return false;
	}
}

#endif
