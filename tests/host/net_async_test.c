/*
 * net_async_test.c: lib/net's awaiting sockets and http_serve() in a lib/coro
 * task, in one process on loopback: each await's errors and deadlines, a
 * connection parked and served again, and the two ways a file transfer can
 * be cut short: the task cancelled (killed) in the middle of a sendfile, and
 * the server's own send deadline firing in the middle of one. Each case
 * ends with this process's descriptors back where they were (the socket,
 * its registration and the file all closed) and the run under ASan+UBSan.
 *
 * Read next: lib/net/async_sock.c, tools/net/httpd_event.c.
 */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "async_sock.h"
#include "http_serve.h"
#include "sock.h"

#define BIG (16 << 20)

static char root[64];
static struct http_cfg cfg;
static uint16_t port;
static int lfd;

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;
	for (struct dirent *e; d && (e = readdir(d)); )
		n += e->d_name[0] != '.';
	if (d)
		closedir(d);
	return n - 1; /* the DIR's own */
}

static int group_setup(void **state)
{
	(void)state;
	snprintf(root, sizeof root, "/tmp/weft-anet-XXXXXX");
	if (!mkdtemp(root))
		return -1;
	char path[128];
	snprintf(path, sizeof path, "%s/big.bin", root);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || ftruncate(fd, BIG) < 0)
		return -1;
	close(fd);
	cfg = (struct http_cfg){ .root_fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC),
				 .max_body = 1 << 20, .header_ms = 1000, .idle_ms = 5000 };
	lfd = net_listen("127.0.0.1", 0, 64, &port);
	return cfg.root_fd >= 0 && lfd >= 0 ? 0 : -1;
}

static int group_teardown(void **state)
{
	(void)state;
	close(lfd);
	close(cfg.root_fd);
	char path[128];
	snprintf(path, sizeof path, "%s/big.bin", root);
	unlink(path);
	rmdir(root);
	return 0;
}

/* ---- the server side: one connection, http_serve in a task ---- */

struct served {
	int64_t park_ns;
	unsigned long requests;
	int calls;          /* http_serve calls: more than one if it parked */
	int64_t ended_ns;   /* when the last one returned */
};

static int serve_one(struct async_task *self, void *arg, void **result)
{
	(void)result;
	struct served *sv = arg;
	struct asock ls;
	assert_int_equal(asock_open(&ls, self, lfd), 0);
	int fd = asock_accept(&ls, net_deadline_ms(2000));
	async_fd_close(ls.afd);
	if (fd < 0)
		return fd;
	struct async_fd *afd = async_fd_open(async_task_loop(self), fd, NULL, NULL);
	struct http_session *s = malloc(sizeof *s);
	struct anetio a;
	for (;;) {
		netio_async(&a, self, afd, sv->park_ns);
		sv->calls++;
		sv->requests += http_serve(&a.io, s, &cfg);
		if (!a.io.parked)
			break;
		async_fd_clear(afd, 0);
		if (async_fd_wait(self, afd, POLLER_IN, ASYNC_NEVER) < 0) /* parked: the next edge */
			break;
	}
	sv->ended_ns = net_now_ns();
	free(s);
	free(afd); /* http_serve's close ended its registration (async_fd_fini) */
	return 0;
}

/* ---- the client side, a task too ---- */

static ssize_t read_head(struct asock *c, char *buf, size_t cap)
{
	size_t got = 0;
	while (got < 4 || memcmp(buf + got - 4, "\r\n\r\n", 4) != 0) {
		if (got == cap)
			return -EMSGSIZE;
		ssize_t k = asock_read(c, buf + got, 1, net_deadline_ms(3000));
		if (k <= 0)
			return k < 0 ? k : -ECONNRESET;
		got += (size_t)k;
	}
	return (ssize_t)got;
}

/* Read to the end of the stream: the bytes, or a negative errno. */
static long long drain(struct asock *c)
{
	static char buf[65536];
	long long total = 0;
	for (;;) {
		ssize_t k = asock_read(c, buf, sizeof buf, net_deadline_ms(3000));
		if (k <= 0)
			return k < 0 ? k : total;
		total += k;
	}
}

static const char get_big[] = "GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n";
static const char get_hello[] = "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n";

struct client {
	struct async_task *server;
	int mode;            /* 0: cancel the server mid-file; 1: stop reading */
	long long body;      /* bytes of body received before the end */
	bool reset;          /* the end was a reset */
	int64_t t_stop;
};

static int cut_short(struct async_task *self, void *arg, void **result)
{
	(void)result;
	struct client *cl = arg;
	struct asock c;
	assert_int_equal(asock_connect(&c, self, "127.0.0.1", port, net_deadline_ms(1000)), 0);
	assert_int_equal(asock_write_all(&c, get_big, strlen(get_big), net_deadline_ms(1000)),
			 (ssize_t)strlen(get_big));
	char head[1024];
	ssize_t h = read_head(&c, head, sizeof head);
	assert_true(h > 0);
	static char some[65536];
	assert_true(asock_read(&c, some, sizeof some, net_deadline_ms(1000)) > 0);
	cl->t_stop = net_now_ns();
	if (cl->mode == 0)
		assert_true(async_task_cancel(cl->server)); /* killed mid-sendfile */
	else
		async_sleep(self, 800 * ASYNC_MS); /* a client that stops reading */
	long long rest = drain(&c);
	if (rest < 0 && rest != -ECONNRESET) /* the end: a reset, or all sent before it */
		fail_msg("drain: %s", strerror((int)-rest));
	cl->reset = rest == -ECONNRESET;
	cl->body = (long long)sizeof some + (rest > 0 ? rest : 0);
	asock_close(&c, net_deadline_ms(100));
	return 0;
}

static void run_cut_short(int mode, struct served *sv, struct client *cl)
{
	struct async_loop *loop = async_loop_create(NULL, NULL);
	struct async_task *srv = async_spawn(loop, "server", serve_one, sv);
	cl->server = srv;
	cl->mode = mode;
	struct async_task *cli = async_spawn(loop, "client", cut_short, cl);
	assert_int_equal(async_run(loop), 0);
	assert_int_equal(afuture_error(async_task_future(cli)), 0);
	afuture_release(async_task_future(srv));
	afuture_release(async_task_future(cli));
	async_loop_destroy(loop);
}

static void test_task_cancelled_mid_sendfile_closes_everything(void **state)
{
	(void)state;
	int fds = count_fds();
	struct served sv = { .park_ns = -1 };
	struct client cl = { 0 };
	run_cut_short(0, &sv, &cl);
	assert_true(cl.body < BIG); /* cut short, and the client saw the end: a reset */
	assert_true(cl.reset);
	assert_int_equal(sv.calls, 1);
	assert_int_equal(count_fds(), fds); /* socket and file closed */
}

static void test_send_deadline_fires_mid_sendfile(void **state)
{
	(void)state;
	int fds = count_fds();
	cfg.idle_ms = 200;
	struct served sv = { .park_ns = -1 };
	struct client cl = { 0 };
	run_cut_short(1, &sv, &cl);
	cfg.idle_ms = 5000;
	assert_true(cl.body < BIG);
	assert_true(cl.reset);
	int64_t after = sv.ended_ns - cl.t_stop; /* the server gave up on its own... */
	assert_true(after > 150 * 1000000LL && after < 700 * 1000000LL); /* ...before the client woke */
	assert_int_equal(count_fds(), fds);
}

/* ---- parking ---- */

static int two_requests_apart(struct async_task *self, void *arg, void **result)
{
	(void)arg, (void)result;
	struct asock c;
	assert_int_equal(asock_connect(&c, self, "127.0.0.1", port, net_deadline_ms(1000)), 0);
	char head[1024];
	for (int i = 0; i < 2; i++) {
		assert_int_equal(asock_write_all(&c, get_hello, strlen(get_hello), net_deadline_ms(1000)),
				 (ssize_t)strlen(get_hello));
		assert_true(read_head(&c, head, sizeof head) > 0);
		assert_int_equal(atoi(head + 9), 200);
		char body[14];
		size_t got = 0;
		while (got < sizeof body) {
			ssize_t k = asock_read(&c, body + got, sizeof body - got, net_deadline_ms(1000));
			assert_true(k > 0);
			got += (size_t)k;
		}
		async_sleep(self, 50 * ASYNC_MS); /* quiet: the server parks */
	}
	asock_close(&c, net_deadline_ms(500));
	return 0;
}

static void test_quiet_connection_parks_and_is_served_again(void **state)
{
	(void)state;
	int fds = count_fds();
	struct async_loop *loop = async_loop_create(NULL, NULL);
	struct served sv = { .park_ns = 0 };
	struct async_task *srv = async_spawn(loop, "server", serve_one, &sv);
	struct async_task *cli = async_spawn(loop, "client", two_requests_apart, NULL);
	assert_int_equal(async_run(loop), 0);
	assert_int_equal(afuture_error(async_task_future(cli)), 0);
	assert_int_equal(sv.requests, 2);
	assert_int_equal(sv.calls, 3); /* parked after each answer, then the end of stream */
	afuture_release(async_task_future(srv));
	afuture_release(async_task_future(cli));
	async_loop_destroy(loop);
	assert_int_equal(count_fds(), fds);
}

/* ---- each await's errors ---- */

static int errors(struct async_task *self, void *arg, void **result)
{
	(void)arg, (void)result;
	struct asock c;
	assert_int_equal(asock_connect(&c, self, "127.0.0.1", 1, net_deadline_ms(1000)), -ECONNREFUSED);
	assert_int_equal(asock_connect(&c, self, "not-an-address", 80, net_deadline_ms(1000)), -EINVAL);
	/* a read that nothing answers: -ETIMEDOUT at its deadline, not before */
	assert_int_equal(asock_connect(&c, self, "127.0.0.1", port, net_deadline_ms(1000)), 0);
	int64_t t0 = net_now_ns();
	char b[16];
	assert_int_equal(asock_read(&c, b, sizeof b, t0 + 100000000), -ETIMEDOUT);
	assert_true(net_now_ns() - t0 >= 100000000);
	/* a file shorter than promised: -EIO, not a hang */
	int f = openat(cfg.root_fd, "big.bin", O_RDONLY);
	off_t off = BIG - 10;
	assert_int_equal(asock_sendfile_all(&c, f, &off, 20, net_deadline_ms(1000)), -EIO);
	close(f);
	asock_close(&c, net_deadline_ms(100));
	/* the listener's accept: the client above is waiting in its backlog */
	struct asock ls;
	assert_int_equal(asock_open(&ls, self, lfd), 0);
	int fd = asock_accept(&ls, net_deadline_ms(1000));
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(asock_accept(&ls, net_now_ns() + 50000000), -ETIMEDOUT);
	async_fd_close(ls.afd);
	return 0;
}

static void test_awaits_report_errors_as_negative_errno(void **state)
{
	(void)state;
	int fds = count_fds();
	struct async_loop *loop = async_loop_create(NULL, NULL);
	struct async_task *t = async_spawn(loop, "errors", errors, NULL);
	assert_int_equal(async_run(loop), 0);
	assert_int_equal(afuture_error(async_task_future(t)), 0);
	afuture_release(async_task_future(t));
	async_loop_destroy(loop);
	assert_int_equal(count_fds(), fds);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_awaits_report_errors_as_negative_errno),
		cmocka_unit_test(test_quiet_connection_parks_and_is_served_again),
		cmocka_unit_test(test_task_cancelled_mid_sendfile_closes_everything),
		cmocka_unit_test(test_send_deadline_fires_mid_sendfile),
	};
	return cmocka_run_group_tests_name("net_async", tests, group_setup, group_teardown);
}
