/*
 * net_session_test.c: the handler's answers, byte for byte, without IO.
 *
 * Course idea: a fast path must say exactly what the slow path says. The
 * session keeps ready-made answers (the /hello response of this second) and
 * reads the clock once per batch of pipelined requests; these cases check
 * that every variant a client can ask for (HTTP/1.0 or 1.1, HEAD or GET,
 * Connection: close, a 405, a malformed request) still gets its own bytes,
 * in order, whether the requests come one by one or pipelined together.
 *
 * Read next: lib/net/http_session.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "http_session.h"

static struct http_cfg cfg = { .root_fd = -1, .max_body = 1024, .header_ms = 1000, .idle_ms = 1000 };

/* Feed `in` in pieces of `piece` bytes (0: whole), take every answer. */
static size_t serve(const char *in, size_t piece, char *out, size_t cap)
{
	struct http_session *s = malloc(sizeof *s);
	assert_non_null(s);
	http_session_init(s, &cfg);
	size_t n = strlen(in), used = 0, got = 0;
	while (!http_session_finished(s)) {
		size_t room;
		char *buf = http_session_inbuf(s, &room);
		size_t k = n - used < room ? n - used : room;
		if (piece && k > piece)
			k = piece;
		memcpy(buf, in + used, k);
		used += k;
		http_session_received(s, k);
		http_session_process(s);
		size_t m;
		const char *o = http_session_out(s, &m);
		assert_true(got + m < cap);
		memcpy(out + got, o, m);
		got += m;
		http_session_sent(s, m);
		if (used == n && m == 0)
			break;
	}
	http_session_release(s);
	free(s);
	out[got] = '\0';
	return got;
}

/* Every answer in `out` split at "HTTP/1.1 ": how many, and the i-th. */
static const char *nth_answer(const char *out, int i, size_t *len)
{
	const char *p = out;
	for (int k = 0; k < i; k++) {
		p = strstr(p + 1, "HTTP/1.1 ");
		if (!p)
			return NULL;
	}
	const char *next = strstr(p + 1, "HTTP/1.1 ");
	*len = next ? (size_t)(next - p) : strlen(p);
	return p;
}

/* The Date line varies by second: check the rest exactly. */
static void expect_answer(const char *out, int i, const char *head, const char *tail)
{
	size_t len;
	const char *a = nth_answer(out, i, &len);
	assert_non_null(a);
	size_t hl = strlen(head), tl = strlen(tail);
	if (len < hl + tl || memcmp(a, head, hl) != 0 || memcmp(a + len - tl, tail, tl) != 0)
		fail_msg("answer %d is\n%.*s\nexpected %s...%s", i, (int)len, a, head, tail);
	const char *date = strstr(a, "\r\nDate: ");
	assert_true(date && date < a + len);
}

static const char *const ok = "HTTP/1.1 200 OK\r\nServer: weft\r\n";
static const char *const hello11 =
	"\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 14\r\n\r\nHello, world!\n";

static void check_variants(size_t piece)
{
	static char out[16384];
	serve("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"
	      "HEAD /hello HTTP/1.1\r\nHost: x\r\n\r\n"
	      "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"
	      "GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
	      "GET /hello?x=1 HTTP/1.1\r\nHost: x\r\n\r\n"
	      "POST /hello HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"
	      "GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
	      "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n", piece, out, sizeof out);
	expect_answer(out, 0, ok, hello11);
	expect_answer(out, 1, ok, "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 14\r\n\r\n");
	expect_answer(out, 2, ok, hello11);
	expect_answer(out, 3, ok, "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 14\r\n"
				  "Connection: keep-alive\r\n\r\nHello, world!\n");
	expect_answer(out, 4, ok, hello11);
	expect_answer(out, 5, "HTTP/1.1 405 Method Not Allowed\r\nServer: weft\r\n",
		      "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 23\r\n"
		      "Allow: GET, HEAD\r\n\r\n405 Method Not Allowed\n");
	expect_answer(out, 6, ok, "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 14\r\n"
				  "Connection: close\r\n\r\nHello, world!\n");
	size_t len;
	assert_null(nth_answer(out, 7, &len)); /* nothing after Connection: close */
}

static void test_hello_variants_whole(void **st) { (void)st; check_variants(0); }
static void test_hello_variants_bytewise(void **st) { (void)st; check_variants(1); }
static void test_hello_variants_split(void **st) { (void)st; check_variants(7); }

/* A malformed request after good ones: they are answered, then a 400 that closes. */
static void test_error_after_pipelined(void **st)
{
	(void)st;
	static char out[8192];
	serve("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"
	      "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"
	      "GET /hello HTTP/1.1\nHost: x\r\n\r\n", 0, out, sizeof out);
	expect_answer(out, 0, ok, hello11);
	expect_answer(out, 1, ok, hello11);
	expect_answer(out, 2, "HTTP/1.1 400 Bad Request\r\nServer: weft\r\n",
		      "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 16\r\n"
		      "Connection: close\r\n\r\n400 Bad Request\n");
}

/* The version token, on its fast path and off it (split before its end). */
static void test_versions(void **st)
{
	(void)st;
	static char out[8192];
	serve("GET /hello HTTP/1.0\r\n\r\n", 0, out, sizeof out);
	expect_answer(out, 0, ok, "\r\nContent-Length: 14\r\nConnection: close\r\n\r\nHello, world!\n");
	serve("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n", 18, out, sizeof out);
	expect_answer(out, 0, ok, hello11);
	serve("GET /hello HTTP/1.2\r\nHost: x\r\n\r\n", 0, out, sizeof out);
	expect_answer(out, 0, "HTTP/1.1 505 HTTP Version Not Supported\r\n", "505 HTTP Version Not Supported\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hello_variants_whole),
		cmocka_unit_test(test_hello_variants_bytewise),
		cmocka_unit_test(test_hello_variants_split),
		cmocka_unit_test(test_error_after_pipelined),
		cmocka_unit_test(test_versions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
