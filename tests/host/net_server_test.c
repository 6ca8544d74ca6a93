/*
 * net_server_test.c: weft-httpd against hostile clients, on loopback only.
 *
 * Course idea: a server is robust only if it survives its clients. Each
 * case attacks one promise (strict parsing, deadlines against slowloris,
 * thousands of idle keep-alive connections at no CPU, running out of
 * descriptors, clients resetting at every stage, graceful shutdown) and
 * ends by checking that the server's descriptor count came back to where it
 * started. The server runs under ASan+UBSan and must exit 0 on SIGTERM, so
 * a leak or a bad access fails the group. Built once per model (MODEL is
 * "event", "thread" or "process"); counts are bounded and scaled per model.
 *
 * Read next: tools/net/httpd_event.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "net_testutil.h"

#define IS(m) (strcmp(MODEL, m) == 0)

static char root[64];
static struct server srv;
static int base_fds;

static void write_file(const char *name, const char *data, size_t n)
{
	char path[128];
	snprintf(path, sizeof path, "%s/%s", root, name);
	FILE *f = fopen(path, "w");
	fwrite(data, 1, n, f);
	fclose(f);
}

static const char *const *server_args(void)
{
	static const char *args[] = { "--model", MODEL, "--root", root, "--header-timeout", "1000",
				      "--idle-timeout", "20000", "--max-conns", "20000", NULL };
	return args;
}

static int group_setup(void **s)
{
	(void)s;
	snprintf(root, sizeof root, "/tmp/weft-net-XXXXXX");
	if (!mkdtemp(root))
		return -1;
	char path[128];
	snprintf(path, sizeof path, "%s/sub", root);
	mkdir(path, 0755);
	write_file("index.html", "<h1>weft</h1>\n", 14);
	write_file("a.txt", "alpha\n", 6);
	write_file("sub/s.css", "b{}\n", 4);
	static char big[4 << 20];
	memset(big, 'x', sizeof big);
	write_file("big.bin", big, sizeof big);
	snprintf(path, sizeof path, "%s/link.txt", root);
	if (symlink("/etc/hostname", path) < 0)
		return -1;
	srv = server_start(NULL, server_args());
	usleep(100000);
	base_fds = count_fds(srv.pid);
	return 0;
}

static int group_teardown(void **s)
{
	(void)s;
	int rc = server_stop(&srv);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", root);
	if (system(cmd) != 0)
		return -1;
	if (rc != 0)
		fprintf(stderr, "server exit status %d (ASan report above?)\n", rc);
	return rc == 0 ? 0 : -1;
}

/* After every case: the server is alive and holds no more descriptors. */
static int check_fds(void **s)
{
	(void)s;
	int n = fds_settle(srv.pid, base_fds);
	if (n != base_fds) {
		fprintf(stderr, "descriptors: %d before, %d after\n", base_fds, n);
		return -1;
	}
	return 0;
}

static void test_keepalive_and_pipelining(void **s)
{
	(void)s;
	int fd = tcp_connect(srv.port);
	assert_true(fd >= 0);
	for (int i = 0; i < 3; i++) {
		send_str(fd, "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
		assert_int_equal(read_response(fd, NULL, 0, NULL), 200);
	}
	/* 16 pipelined, a file and a 404 among them: answered in order. */
	char batch[2048] = "";
	for (int i = 0; i < 16; i++)
		strcat(batch, i == 5 ? "GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n"
			    : i == 9 ? "GET /none HTTP/1.1\r\nHost: x\r\n\r\n"
				     : "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
	send_str(fd, batch);
	for (int i = 0; i < 16; i++) {
		long len;
		int st = read_response(fd, NULL, 0, &len);
		assert_int_equal(st, i == 9 ? 404 : 200);
		assert_int_equal(len, i == 5 ? 4 << 20 : i == 9 ? 14 : 14);
	}
	/* HTTP/1.0 closes unless asked to keep alive. */
	send_str(fd, "GET /hello HTTP/1.0\r\n\r\n");
	assert_int_equal(read_response(fd, NULL, 0, NULL), 200);
	assert_true(closed_by_peer(fd));
	close(fd);
}

static int get(const char *req, char *head, size_t cap, long *len)
{
	int fd = tcp_connect(srv.port);
	send_str(fd, req);
	int st = read_response(fd, head, cap, len);
	close(fd);
	return st;
}

static void test_static_files(void **s)
{
	(void)s;
	char head[1024];
	long len;
	assert_int_equal(get("GET / HTTP/1.1\r\nHost: x\r\n\r\n", head, sizeof head, &len), 200);
	assert_non_null(strstr(head, "Content-Type: text/html"));
	assert_int_equal(len, 14);
	assert_int_equal(get("GET /sub/s.css HTTP/1.1\r\nHost: x\r\n\r\n", head, sizeof head, &len), 200);
	assert_non_null(strstr(head, "Content-Type: text/css"));
	assert_int_equal(get("GET /a.txt?q=1 HTTP/1.1\r\nHost: x\r\n\r\n", head, sizeof head, &len), 200);
	assert_int_equal(len, 6);
	/* 304: If-Modified-Since at or after the file's time */
	assert_int_equal(get("GET /a.txt HTTP/1.1\r\nHost: x\r\nIf-Modified-Since: Fri, 01 Jan 2100 00:00:00 GMT\r\n\r\n",
			     head, sizeof head, &len), 304);
	assert_int_equal(get("GET /a.txt HTTP/1.1\r\nHost: x\r\nIf-Modified-Since: Thu, 01 Jan 1970 00:00:00 GMT\r\n\r\n",
			     head, sizeof head, &len), 200);
	/* HEAD: the length, no body (the next response follows at once) */
	int fd = tcp_connect(srv.port);
	send_str(fd, "HEAD /big.bin HTTP/1.1\r\nHost: x\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
	assert_int_equal(read_head(fd, head, sizeof head, &len), 200);
	assert_int_equal(len, 4 << 20);
	assert_int_equal(read_response(fd, NULL, 0, NULL), 200);
	close(fd);
	/* no escape: dot segments, encoded ones, symlinks, NUL */
	assert_int_equal(get("GET /../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n", NULL, 0, NULL), 400);
	assert_int_equal(get("GET /%2e%2e/%2e%2e/etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n", NULL, 0, NULL), 400);
	assert_int_equal(get("GET /sub/%2E%2E/a.txt HTTP/1.1\r\nHost: x\r\n\r\n", NULL, 0, NULL), 400);
	assert_int_equal(get("GET /a.txt%00.html HTTP/1.1\r\nHost: x\r\n\r\n", NULL, 0, NULL), 400);
	assert_int_equal(get("GET /link.txt HTTP/1.1\r\nHost: x\r\n\r\n", NULL, 0, NULL), 403);
	assert_int_equal(get("GET /nothing HTTP/1.1\r\nHost: x\r\n\r\n", NULL, 0, NULL), 404);
	assert_int_equal(get("POST /a.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi", NULL, 0, NULL), 405);
}

static void test_hostile_requests(void **s)
{
	(void)s;
	static const struct { const char *req; int status; } cases[] = {
		{ "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nG", 400 },
		{ "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n", 400 },
		{ "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", 400 },
		{ "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\n\r\n", 501 },
		{ "GET / HTTP/1.1\r\nHost: x\r\nX: a\r\n folded\r\n\r\n", 400 },
		{ "GET / HTTP/1.1\nHost: x\n\n", 400 },
		{ "GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400 },
		{ "GET / HTTP/1.1\r\n\r\n", 400 },
		{ "GET / HTTP/3.0\r\nHost: x\r\n\r\n", 505 },
		{ "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\n\r\n", 413 },
		{ "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 400 }, /* TLS hello */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int fd = tcp_connect(srv.port);
		send_str(fd, cases[i].req);
		char head[512];
		int st = read_response(fd, head, sizeof head, NULL);
		if (st != cases[i].status)
			fail_msg("case %zu: status %d, expected %d", i, st, cases[i].status);
		assert_non_null(strstr(head, "Connection: close"));
		assert_true(closed_by_peer(fd));
		close(fd);
	}
	/* 414 and 431 for oversized lines and sections */
	static char big[20000];
	memset(big, 'a', sizeof big);
	memcpy(big, "GET /", 5);
	strcpy(big + 6000, " HTTP/1.1\r\nHost: x\r\n\r\n");
	assert_int_equal(get(big, NULL, 0, NULL), 414);
	snprintf(big, sizeof big, "GET / HTTP/1.1\r\nHost: x\r\n");
	for (int i = 0; i < 200; i++)
		strcat(big, "X-Pad: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n");
	strcat(big, "\r\n");
	assert_int_equal(get(big, NULL, 0, NULL), 431);
}

/* Slowloris: trickling one byte at a time does not extend the deadline
 * (1 s here), and connections that send nothing are closed too; meanwhile
 * a normal client is served. */
static void test_slowloris(void **s)
{
	(void)s;
	enum { N = 20 };
	int fds[2 * N];
	for (int i = 0; i < 2 * N; i++)
		assert_true((fds[i] = tcp_connect(srv.port)) >= 0);
	const char *req = "GET /hello HTTP/1.1\r\nHost: x\r\n";
	time_t start = time(NULL);
	for (int step = 0; step < 14; step++) { /* 1.4 s of trickling */
		for (int i = 0; i < N; i++)
			send(fds[i], req + step, 1, MSG_NOSIGNAL);
		usleep(100000);
	}
	assert_int_equal(get("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n", NULL, 0, NULL), 200);
	for (int i = 0; i < 2 * N; i++) {
		char head[256] = "";
		int st = read_response(fds[i], head, sizeof head, NULL);
		assert_true(st == 408 || st == 0);
		assert_true(closed_by_peer(fds[i]));
		close(fds[i]);
	}
	assert_true(time(NULL) - start <= 4);
}

static void test_resets_at_every_stage(void **s)
{
	(void)s;
	for (int round = 0; round < 10; round++) {
		int fd = tcp_connect(srv.port); /* 1: before any byte */
		reset_close(fd);
		fd = tcp_connect(srv.port); /* 2: inside the request line */
		send_str(fd, "GET /hel");
		reset_close(fd);
		fd = tcp_connect(srv.port); /* 3: inside the headers */
		send_str(fd, "GET /hello HTTP/1.1\r\nHost: x\r\nX-A: b");
		reset_close(fd);
		fd = tcp_connect(srv.port); /* 4: request sent, answer not read */
		send_str(fd, "GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n");
		reset_close(fd);
		fd = tcp_connect(srv.port); /* 5: in the middle of a file */
		send_str(fd, "GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n");
		char buf[65536];
		assert_true(recv(fd, buf, sizeof buf, 0) > 0);
		reset_close(fd);
		fd = tcp_connect(srv.port); /* 6: pipelined, then a plain close */
		send_str(fd, "GET /hello HTTP/1.1\r\nHost: x\r\n\r\nGET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n");
		close(fd);
	}
	assert_int_equal(get("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n", NULL, 0, NULL), 200);
}

static long rss_kb(pid_t pid)
{
	char path[64], line[256];
	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "r");
	long kb = -1;
	while (f && fgets(line, sizeof line, f))
		if (sscanf(line, "VmRSS: %ld", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb;
}

/* Many keep-alive connections, each served once, then held idle: zero
 * errors, and under 3 ticks (30 ms) of server CPU over a quiet second. */
static void test_many_keepalive_idle_cpu(void **s)
{
	(void)s;
	struct rlimit rl;
	getrlimit(RLIMIT_NOFILE, &rl);
	int n = IS("process") ? 100 : IS("thread") ? 500 : rl.rlim_cur >= 10200 ? 10000 : 1000;
	int *fds = calloc((size_t)n, sizeof *fds);
	long rss0 = rss_kb(srv.pid);
	for (int i = 0; i < n; i++) {
		fds[i] = tcp_connect(srv.port);
		assert_true(fds[i] >= 0);
		send_str(fds[i], "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
	}
	int ok = 0;
	for (int i = 0; i < n; i++)
		ok += read_response(fds[i], NULL, 0, NULL) == 200;
	assert_int_equal(ok, n);
	usleep(200000);
	long t0 = cpu_ticks(srv.pid);
	sleep(1);
	long t1 = cpu_ticks(srv.pid);
	long rss1 = rss_kb(srv.pid);
	printf("idle: %d connections, server CPU %ld ticks in 1 s, RSS +%ld KiB (%ld bytes per connection)\n",
	       n, t1 - t0, rss1 - rss0, (rss1 - rss0) * 1024 / n);
	assert_true(t1 - t0 <= 3);
	/* still answering on old connections */
	send_str(fds[0], "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
	assert_int_equal(read_response(fds[0], NULL, 0, NULL), 200);
	for (int i = 0; i < n; i++)
		close(fds[i]);
	free(fds);
}

/* Children of pid not yet ended (zombies do not count). */
static int live_children(pid_t pid)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/task/%d/children", (int)pid, (int)pid);
	FILE *f = fopen(path, "r");
	int n = 0, child;
	while (f && fscanf(f, "%d", &child) == 1) {
		char st[64], line[256], state = 'Z';
		snprintf(st, sizeof st, "/proc/%d/stat", child);
		FILE *g = fopen(st, "r");
		if (g && fgets(line, sizeof line, g) && strrchr(line, ')'))
			state = strrchr(line, ')')[2];
		if (g)
			fclose(g);
		n += state != 'Z';
	}
	if (f)
		fclose(f);
	return n;
}

/* The server's own send deadline fires while a file is half sent: a client
 * asks for a big file, takes a little and stops reading. The server gives
 * up on it after --idle-timeout (300 ms here), resets it rather than
 * leaving a cut answer that could pass for whole, closes the file, and
 * keeps serving others meanwhile. */
static void test_send_deadline_mid_file(void **s)
{
	(void)s;
	static const char *const args[] = { "--model", MODEL, "--root", root, "--idle-timeout", "300", NULL };
	struct server own = server_start(NULL, args);
	usleep(100000);
	int base = count_fds(own.pid);
	int fd = tcp_connect(own.port);
	int small = 4096;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small); /* so the server's sends block */
	send_str(fd, "GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n");
	char buf[4096];
	assert_true(recv(fd, buf, sizeof buf, 0) > 0);
	usleep(100000);
	if (IS("process")) /* the connection lives in a child */
		assert_int_equal(live_children(own.pid), 1);
	else
		assert_true(count_fds(own.pid) > base); /* the socket and the file are open */
	int other = tcp_connect(own.port);
	send_str(other, "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
	assert_int_equal(read_response(other, NULL, 0, NULL), 200);
	close(other);
	usleep(900000); /* well past the deadline */
	assert_int_equal(fds_settle(own.pid, base), base); /* gave up: socket and file closed */
	assert_int_equal(live_children(own.pid), 0);       /* (or its process ended) */
	long got = 0;
	ssize_t k;
	while ((k = recv(fd, buf, sizeof buf, 0)) > 0)
		got += k;
	assert_true(k < 0 && errno == ECONNRESET); /* a reset, not an end that looks complete */
	assert_true(got < 4 << 20);
	close(fd);
	assert_int_equal(server_stop(&own), 0);
}

/* Graceful shutdown on its own server: idle connections close, a request
 * in flight is finished (with Connection: close), new ones are refused,
 * and the server exits 0. */
static void test_graceful_shutdown(void **s)
{
	(void)s;
	struct server own = server_start(NULL, server_args());
	int idle = tcp_connect(own.port), busy = tcp_connect(own.port);
	send_str(idle, "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
	assert_int_equal(read_response(idle, NULL, 0, NULL), 200);
	send_str(busy, "GET /hello HTTP/1.1\r\nHost: x\r\n");
	usleep(100000);
	kill(own.pid, SIGTERM);
	assert_true(closed_by_peer(idle));
	usleep(100000);
	assert_int_equal(tcp_connect(own.port), -ECONNREFUSED);
	send_str(busy, "\r\n");
	char head[512];
	assert_int_equal(read_response(busy, head, sizeof head, NULL), 200);
	assert_non_null(strstr(head, "Connection: close"));
	assert_true(closed_by_peer(busy));
	close(idle);
	close(busy);
	assert_int_equal(server_stop(&own), 0);
}

/* SIGINT (Ctrl-C) stops it as gracefully as SIGTERM: an idle connection is
 * closed, and the exit status is 0, not death by the signal. */
static void test_sigint_stops_gracefully(void **s)
{
	(void)s;
	struct server own = server_start(NULL, server_args());
	int idle = tcp_connect(own.port);
	send_str(idle, "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
	assert_int_equal(read_response(idle, NULL, 0, NULL), 200);
	kill(own.pid, SIGINT);
	assert_true(closed_by_peer(idle));
	close(idle);
	int st = 0;
	pid_t got = 0;
	for (int i = 0; i < 500 && (got = waitpid(own.pid, &st, WNOHANG)) != own.pid; i++)
		usleep(10000);
	if (got != own.pid)
		server_stop(&own); /* still running after 5 s: stop it, and fail */
	assert_int_equal(got, own.pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

/* Out of descriptors: the server runs with 64 and 300 clients come at once.
 * Accepting pauses (no busy loop: little CPU while 100 clients wait), and
 * every client is served once descriptors free up. */
static void test_emfile(void **s)
{
	(void)s;
	static const char *const prefix[] = { "prlimit", "--nofile=64", "--", NULL };
	struct server own = server_start(prefix, server_args());
	enum { HOLD = 100, N = 300 };
	int hold[HOLD];
	for (int i = 0; i < HOLD; i++)
		hold[i] = tcp_connect(own.port); /* ~58 accepted, the rest wait in the backlog */
	usleep(300000);
	long t0 = cpu_ticks(own.pid);
	sleep(1);
	long t1 = cpu_ticks(own.pid);
	printf("EMFILE: server CPU %ld ticks in 1 s with %d clients waiting\n", t1 - t0, HOLD);
	assert_true(t1 - t0 <= 10);
	for (int i = 0; i < HOLD; i++)
		close(hold[i]);
	int *fds = calloc(N, sizeof *fds);
	for (int i = 0; i < N; i++) {
		fds[i] = tcp_connect(own.port);
		send_str(fds[i], "GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
	}
	int ok = 0;
	for (int i = 0; i < N; i++) {
		ok += read_response(fds[i], NULL, 0, NULL) == 200;
		close(fds[i]);
	}
	free(fds);
	assert_int_equal(ok, N);
	assert_int_equal(server_stop(&own), 0);
}

int main(void)
{
	struct rlimit rl;
	getrlimit(RLIMIT_NOFILE, &rl);
	rl.rlim_cur = rl.rlim_max < 21000 ? rl.rlim_max : 21000; /* 10,000 connections need 10,200 */
	setrlimit(RLIMIT_NOFILE, &rl);
	signal(SIGPIPE, SIG_IGN);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_keepalive_and_pipelining, check_fds),
		cmocka_unit_test_teardown(test_static_files, check_fds),
		cmocka_unit_test_teardown(test_hostile_requests, check_fds),
		cmocka_unit_test_teardown(test_slowloris, check_fds),
		cmocka_unit_test_teardown(test_resets_at_every_stage, check_fds),
		cmocka_unit_test_teardown(test_many_keepalive_idle_cpu, check_fds),
		cmocka_unit_test(test_send_deadline_mid_file),
		cmocka_unit_test(test_graceful_shutdown),
		cmocka_unit_test(test_sigint_stops_gracefully),
		cmocka_unit_test(test_emfile),
	};
	return cmocka_run_group_tests_name("net_server_" MODEL, tests, group_setup, group_teardown);
}
