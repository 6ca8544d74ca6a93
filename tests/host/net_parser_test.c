/*
 * net_parser_test.c: the HTTP/1.1 request parser against hostile input.
 *
 * Course idea: a parser is judged by what it refuses. Every case is parsed
 * three ways (whole, one byte at a time, and split at every offset) and all
 * must agree, so an incremental-parsing bug cannot hide behind a lucky
 * delivery. The smuggling cases are the ones proxies and servers have
 * disagreed on in real CVEs.
 *
 * Read next: net_fuzz.c (the same oracle, on random input).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "http_parser.h"

#define MAX_BODY 1024

struct outcome {
	enum http_pstate state;
	int error;
	size_t used;
	char target[64];
	bool keep_alive;
	uint64_t body;
};

static struct outcome run(const char *in, size_t n, size_t split)
{
	static struct http_parser p;
	http_parser_init(&p, MAX_BODY);
	size_t used = 0;
	while (used < n) {
		size_t piece = split ? split : n;
		if (piece > n - used)
			piece = n - used;
		size_t k = http_parser_feed(&p, in + used, piece);
		used += k;
		if (k < piece)
			break;
	}
	struct outcome o = { p.state, p.error, used, "", p.req.keep_alive, p.req.body_bytes };
	snprintf(o.target, sizeof o.target, "%.63s", p.state == HTTP_P_DONE ? p.req.target : "");
	return o;
}

/* Parse whole, byte by byte and in every split size: all must agree. */
static struct outcome parse_n(const char *in, size_t n)
{
	struct outcome whole = run(in, n, 0);
	for (size_t split = 1; split < n; split++) {
		struct outcome o = run(in, n, split);
		assert_int_equal(o.state, whole.state);
		assert_int_equal(o.error, whole.error);
		assert_int_equal(o.used, whole.used);
		assert_int_equal(o.keep_alive, whole.keep_alive);
		assert_int_equal(o.body, whole.body);
		assert_string_equal(o.target, whole.target);
	}
	return whole;
}

static struct outcome parse(const char *in)
{
	return parse_n(in, strlen(in));
}

static void expect_error(const char *in, int status)
{
	struct outcome o = parse(in);
	if (o.state != HTTP_P_ERROR || o.error != status)
		fail_msg("expected %d, got state %d error %d for %s", status, o.state, o.error, in);
}

static void test_simple_get(void **s)
{
	(void)s;
	struct outcome o = parse("GET /a/b?c=d HTTP/1.1\r\nHost: x\r\n\r\n");
	assert_int_equal(o.state, HTTP_P_DONE);
	assert_string_equal(o.target, "/a/b?c=d");
	assert_true(o.keep_alive);
}

static void test_keep_alive_rules(void **s)
{
	(void)s;
	assert_false(parse("GET / HTTP/1.0\r\n\r\n").keep_alive);
	assert_true(parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").keep_alive);
	assert_false(parse("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").keep_alive);
	assert_false(parse("GET / HTTP/1.1\r\nHost: x\r\nConnection: keep-alive, CLOSE\r\n\r\n").keep_alive);
	assert_true(parse("GET / HTTP/1.1\r\nHost: x\r\nConnection: upgrade\r\n\r\n").keep_alive);
}

static void test_pipelined_stops_after_each(void **s)
{
	(void)s;
	const char *two = "GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\n\r\n";
	struct http_parser p;
	http_parser_init(&p, MAX_BODY);
	size_t k = http_parser_feed(&p, two, strlen(two));
	assert_int_equal(p.state, HTTP_P_DONE);
	assert_string_equal(p.req.target, "/1");
	http_parser_next(&p);
	size_t k2 = http_parser_feed(&p, two + k, strlen(two) - k);
	assert_int_equal(p.state, HTTP_P_DONE);
	assert_string_equal(p.req.target, "/2");
	assert_int_equal(k + k2, strlen(two));
}

static void test_content_length_body(void **s)
{
	(void)s;
	struct outcome o = parse("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhelloGET");
	assert_int_equal(o.state, HTTP_P_DONE);
	assert_int_equal(o.body, 5);
	assert_int_equal(o.used, strlen("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"));
}

static void test_chunked_body(void **s)
{
	(void)s;
	struct outcome o = parse("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
				 "5;ext=1\r\nhello\r\na\r\n0123456789\r\n0\r\nTrailer: t\r\n\r\n");
	assert_int_equal(o.state, HTTP_P_DONE);
	assert_int_equal(o.body, 15);
}

static void test_smuggling(void **s)
{
	(void)s;
	/* CL.TE and TE.CL: both framings present */
	expect_error("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400);
	expect_error("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n0\r\n\r\n", 400);
	/* conflicting and malformed lengths */
	expect_error("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\n", 400);
	expect_error("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4, 4\r\n\r\n", 400);
	expect_error("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: +4\r\n\r\n", 400);
	expect_error("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0x4\r\n\r\n", 400);
	expect_error("POST / HTTP/1.1\r\nHost: x\r\nContent-Length:\r\n\r\n", 400);
	/* space before the colon, obs-fold, bare LF, bare CR */
	expect_error("GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding : chunked\r\n\r\n", 400);
	expect_error("GET / HTTP/1.1\r\nHost: x\r\nX: a\r\n b\r\n\r\n", 400);
	expect_error("GET / HTTP/1.1\nHost: x\r\n\r\n", 400);
	expect_error("GET / HTTP/1.1\r\nHost: x\n\r\n", 400);
	expect_error("GET / HTTP/1.1\r\nHost: x\r\n\n", 400);
	expect_error("GET / HTTP/1.1\r\nHost: x\rY: z\r\n\r\n", 400);
	/* encodings we do not speak, chunked in 1.0, two TE headers */
	expect_error("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501);
	expect_error("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", 400);
	expect_error("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400);
	/* NUL and control bytes in a value, in the target */
	expect_error("GET / HTTP/1.1\r\nHost: x\r\nX: a\001b\r\n\r\n", 400);
	expect_error("GET /a\tb HTTP/1.1\r\nHost: x\r\n\r\n", 400);
	/* bad chunk framing */
	expect_error("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXX0\r\n\r\n", 400);
	expect_error("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n 5\r\nhello\r\n0\r\n\r\n", 400);
	expect_error("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\nhello\r\n0\r\n\r\n", 400);
}

static void test_host_rules(void **s)
{
	(void)s;
	expect_error("GET / HTTP/1.1\r\n\r\n", 400);
	expect_error("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400);
	assert_int_equal(parse("GET / HTTP/1.0\r\n\r\n").state, HTTP_P_DONE);
}

static void test_versions_and_line(void **s)
{
	(void)s;
	expect_error("GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505);
	expect_error("GET / HTTP/1.2\r\nHost: x\r\n\r\n", 505);
	expect_error("GET / HTTP/1.10\r\nHost: x\r\n\r\n", 400);
	expect_error("GET / http/1.1\r\nHost: x\r\n\r\n", 400);
	expect_error("GET  / HTTP/1.1\r\nHost: x\r\n\r\n", 400);
	expect_error("GET / HTTP/1.1 \r\nHost: x\r\n\r\n", 400);
	expect_error(" GET / HTTP/1.1\r\nHost: x\r\n\r\n", 400);
	expect_error("VERYVERYLONGMETHODNAME / HTTP/1.1\r\n\r\n", 501);
	/* empty lines before a request are allowed (RFC 9112 2.2) */
	assert_int_equal(parse("\r\n\r\nGET / HTTP/1.0\r\n\r\n").state, HTTP_P_DONE);
}

static void test_limits(void **s)
{
	(void)s;
	static char big[HTTP_MAX_HEADERS * 2];
	/* request line: 414 */
	int n = snprintf(big, sizeof big, "GET /");
	memset(big + n, 'a', HTTP_MAX_LINE);
	strcpy(big + n + HTTP_MAX_LINE, " HTTP/1.1\r\n\r\n");
	expect_error(big, 414);
	/* header bytes: 431 */
	n = snprintf(big, sizeof big, "GET / HTTP/1.1\r\nHost: x\r\nX: ");
	memset(big + n, 'a', HTTP_MAX_HEADERS);
	strcpy(big + n + HTTP_MAX_HEADERS, "\r\n\r\n");
	expect_error(big, 431);
	/* header count: 431 */
	n = snprintf(big, sizeof big, "GET / HTTP/1.1\r\n");
	for (int i = 0; i <= HTTP_MAX_FIELDS; i++)
		n += snprintf(big + n, sizeof big - (size_t)n, "A: b\r\n");
	strcpy(big + n, "\r\n");
	expect_error(big, 431);
	/* body: 413 by length and by chunks; huge numbers do not overflow */
	expect_error("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1025\r\n\r\n", 413);
	expect_error("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999\r\n\r\n", 413);
	expect_error("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n401\r\n", 413);
	expect_error("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffffff\r\n", 413);
	/* exactly at the limit is fine */
	n = snprintf(big, sizeof big, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n", MAX_BODY);
	memset(big + n, 'b', MAX_BODY);
	big[n + MAX_BODY] = '\0';
	assert_int_equal(parse(big).state, HTTP_P_DONE);
}

static void test_if_modified_since_kept(void **s)
{
	(void)s;
	struct http_parser p;
	const char *in = "GET / HTTP/1.1\r\nHost: x\r\nIf-Modified-Since:  Wed, 21 Oct 2015 07:28:00 GMT \r\n\r\n";
	http_parser_init(&p, 0);
	http_parser_feed(&p, in, strlen(in));
	assert_int_equal(p.state, HTTP_P_DONE);
	assert_string_equal(p.req.ims, "Wed, 21 Oct 2015 07:28:00 GMT");
}

/* Found by net_fuzz: a long If-Modified-Since overran req.ims. An
 * over-long date is not a date, so it is ignored (RFC 9110 13.1.3). */
static void test_long_if_modified_since_ignored(void **s)
{
	(void)s;
	static char in[512];
	int n = snprintf(in, sizeof in, "GET / HTTP/1.1\r\nHost: x\r\nIf-Modified-Since: ");
	memset(in + n, 'Y', 200);
	strcpy(in + n + 200, "\r\nX-After: 1\r\n\r\n");
	struct http_parser p;
	http_parser_init(&p, 0);
	http_parser_feed(&p, in, strlen(in));
	assert_int_equal(p.state, HTTP_P_DONE);
	assert_string_equal(p.req.ims, "");
	assert_true(p.req.has_host);
}

static void test_done_and_error_consume_nothing(void **s)
{
	(void)s;
	struct http_parser p;
	http_parser_init(&p, 0);
	const char *in = "GET / HTTP/1.0\r\n\r\n";
	assert_int_equal(http_parser_feed(&p, in, strlen(in)), strlen(in));
	assert_int_equal(http_parser_feed(&p, in, strlen(in)), 0);
	http_parser_init(&p, 0);
	assert_int_equal(http_parser_feed(&p, "\x01GET", 4), 0);
	assert_int_equal(p.state, HTTP_P_ERROR);
	assert_int_equal(http_parser_feed(&p, in, strlen(in)), 0);
	assert_false(http_parser_started(&p) == false && p.state == HTTP_P_LINE);
}

/* The parser takes a run and the byte that ends it in one step, and the
 * version with its CRLF at once, only when those bytes are here and within
 * the limit: at the limit's edge and one byte past it, every split (which
 * takes the byte-by-byte path) must agree with the whole. */
static void test_fast_paths_at_limits(void **s)
{
	(void)s;
	static char big[HTTP_MAX_HEADERS * 2];
	const char *tail = " HTTP/1.1\r\nHost: x\r\n\r\n";
	/* a request line of exactly HTTP_MAX_LINE bytes (CRLF included), and one more */
	for (int extra = 0; extra <= 1; extra++) {
		int n = snprintf(big, sizeof big, "GET /");
		int fill = HTTP_MAX_LINE - (int)strlen("GET / HTTP/1.1\r\n") + extra;
		memset(big + n, 'a', (size_t)fill);
		strcpy(big + n + fill, tail);
		struct outcome o = parse(big);
		assert_int_equal(o.state, extra ? HTTP_P_ERROR : HTTP_P_DONE);
		if (extra)
			assert_int_equal(o.error, 414);
	}
	/* a header section of exactly HTTP_MAX_HEADERS bytes, and one more, with
	 * the limit falling on a value's CR, then on a name's colon */
	for (int extra = 0; extra <= 1; extra++) {
		int n = snprintf(big, sizeof big, "GET / HTTP/1.1\r\nHost: x\r\nX: ");
		int head = (int)strlen("Host: x\r\nX: ") + 4; /* the value's CRLF, the blank line */
		memset(big + n, 'v', (size_t)(HTTP_MAX_HEADERS - head + extra));
		strcpy(big + n + HTTP_MAX_HEADERS - head + extra, "\r\n\r\n");
		struct outcome o = parse(big);
		assert_int_equal(o.state, extra ? HTTP_P_ERROR : HTTP_P_DONE);
		n = snprintf(big, sizeof big, "GET / HTTP/1.1\r\nHost: x\r\n");
		head = (int)strlen("Host: x\r\n") + (int)strlen(": v\r\n\r\n");
		memset(big + n, 'N', (size_t)(HTTP_MAX_HEADERS - head + extra));
		strcpy(big + n + HTTP_MAX_HEADERS - head + extra, ": v\r\n\r\n");
		o = parse(big);
		assert_int_equal(o.state, extra ? HTTP_P_ERROR : HTTP_P_DONE);
	}
	/* the version: a CR without its LF, and versions the fast path leaves alone */
	expect_error("GET / HTTP/1.1\rXHost: x\r\n\r\n", 400);
	expect_error("GET / HTTP/1.1\n\r\nHost: x\r\n\r\n", 400);
	expect_error("GET / HTTP/1.3\r\nHost: x\r\n\r\n", 505);
	assert_int_equal(parse("GET / HTTP/1.0\r\n\r\n").state, HTTP_P_DONE);
	/* a name or value ending in a byte that is not its terminator */
	expect_error("GET / HTTP/1.1\r\nHost x\r\n\r\n", 400);
	expect_error("GET / HTTP/1.1\r\nHost: x\x01\r\n\r\n", 400);
	expect_error("GET\t/ HTTP/1.1\r\nHost: x\r\n\r\n", 400);
	expect_error("GET /a\tb HTTP/1.1\r\nHost: x\r\n\r\n", 400);
}

/* Every byte value in a long target and in a long value (long enough for
 * the parser to classify them sixteen at a time when whole, one at a time
 * when split): accepted exactly when RFC 9112 allows it, whatever the split,
 * and at every position within a sixteen-byte block. */
static void test_every_byte_in_target_and_value(void **s)
{
	(void)s;
	char req[256];
	for (int b = 0; b < 256; b++) {
		bool in_target = b >= 0x21 && b <= 0x7e;
		bool in_value = b == ' ' || b == '\t' || (b >= 0x21 && b != 0x7f);
		for (int at = 0; at < 17; at += 5) {
			char t[40], v[40];
			memset(t, 'a', 33);
			memset(v, 'v', 33);
			t[0] = '/';
			t[1 + at] = (char)b;
			v[1 + at] = (char)b;
			t[33] = v[33] = '\0';
			size_t len = 0;
			len += (size_t)sprintf(req + len, "GET ");
			memcpy(req + len, t, 33), len += 33;
			len += (size_t)sprintf(req + len, " HTTP/1.1\r\nHost: x\r\n\r\n");
			struct outcome o = parse_n(req, len);
			assert_int_equal(o.state, in_target ? HTTP_P_DONE : HTTP_P_ERROR);
			len = 0;
			len += (size_t)sprintf(req + len, "GET / HTTP/1.1\r\nHost: x\r\nX: v");
			memcpy(req + len, v, 33), len += 33;
			len += (size_t)sprintf(req + len, "\r\n\r\n");
			o = parse_n(req, len);
			assert_int_equal(o.state, in_value ? HTTP_P_DONE : HTTP_P_ERROR);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_simple_get),
		cmocka_unit_test(test_keep_alive_rules),
		cmocka_unit_test(test_pipelined_stops_after_each),
		cmocka_unit_test(test_content_length_body),
		cmocka_unit_test(test_chunked_body),
		cmocka_unit_test(test_smuggling),
		cmocka_unit_test(test_host_rules),
		cmocka_unit_test(test_versions_and_line),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_if_modified_since_kept),
		cmocka_unit_test(test_done_and_error_consume_nothing),
		cmocka_unit_test(test_long_if_modified_since_ignored),
		cmocka_unit_test(test_fast_paths_at_limits),
		cmocka_unit_test(test_every_byte_in_target_and_value),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
