/*
 * http_parser.h: a strict, incremental HTTP/1.1 request parser.
 *
 * Course idea: the protocol layer of the course's async TCP server. A server
 * receives a request in whatever pieces the network delivers, so the parser
 * is a state machine fed any number of bytes at a time (one byte, a whole
 * pipeline of requests, a split in the middle of "\r\n"); it keeps no pointer
 * into the caller's buffer, allocates nothing, and gives the same answer
 * however the bytes are split (the fuzz target checks exactly that).
 *
 * Strict by design, because every leniency is a request-smuggling gap
 * between a proxy and a server that read the same bytes differently:
 *   - lines end in CRLF; a bare LF or CR is 400;
 *   - a header line starting with SP or HTAB (obs-fold) is 400;
 *   - whitespace between a header name and its colon is 400;
 *   - Content-Length together with Transfer-Encoding is 400; two
 *     Content-Length headers that differ, or one that is not all digits, 400;
 *   - Transfer-Encoding other than exactly "chunked" is 501, in HTTP/1.0 400;
 *   - HTTP/1.1 without exactly one Host header is 400;
 *   - the request line longer than HTTP_MAX_LINE is 414, the header section
 *     larger than HTTP_MAX_HEADERS bytes or lines is 431, a body larger than
 *     the configured limit is 413, a version other than 1.0/1.1 is 505.
 * docs/net.md lists every rule with the RFC 9112 section it follows.
 *
 * Use: http_parser_init(), then http_parser_feed() with what arrived. It
 * returns how many bytes it consumed and stops right after a complete
 * request (state HTTP_P_DONE), so pipelined bytes stay with the caller for
 * the next request: read p->req, then http_parser_next(). After
 * HTTP_P_ERROR p->error holds the status to answer, and the connection must
 * be closed after that answer (the framing is lost).
 *
 * Read next: http_parser.c (the states), http_session.h (what a server does
 * with a parsed request).
 */
#ifndef WEFT_HTTP_PARSER_H
#define WEFT_HTTP_PARSER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HTTP_MAX_LINE     4096 /* request line, CRLF included: else 414 */
#define HTTP_MAX_HEADERS  8192 /* header section bytes (and trailers): else 431 */
#define HTTP_MAX_FIELDS   100  /* header lines: else 431 */
#define HTTP_MAX_METHOD   16   /* longer methods are 501 (we know none) */
#define HTTP_MAX_IMS      64   /* If-Modified-Since value kept for 304 */
#define HTTP_MAX_VALUE    255  /* a value the parser acts on (Host, ...): else 431 */

enum http_pstate {
	HTTP_P_LINE,    /* in the request line (or CRLFs before it) */
	HTTP_P_HEADERS, /* in the header section */
	HTTP_P_BODY,    /* in a Content-Length body */
	HTTP_P_CHUNKED, /* in a chunked body (sizes, data, trailers) */
	HTTP_P_DONE,    /* a whole request is in p->req */
	HTTP_P_ERROR,   /* p->error is the status to answer; then close */
};

/* What the server needs of a request. The target is kept whole (it is at
 * most HTTP_MAX_LINE); every other header is validated and dropped. */
struct http_request {
	char method[HTTP_MAX_METHOD + 1];
	char target[HTTP_MAX_LINE];
	int minor;                 /* HTTP/1.<minor>: 0 or 1 */
	bool keep_alive;           /* after the version and Connection rules */
	bool chunked;
	bool has_length;
	bool has_host;
	uint64_t content_length;   /* when has_length */
	uint64_t body_bytes;       /* body bytes consumed (either framing) */
	char ims[HTTP_MAX_IMS + 1]; /* If-Modified-Since, or "" */
};

/* A body sink: called with each piece of body data as it is consumed (may be
 * NULL: the body is then read and dropped, keeping the framing). */
typedef void (*http_body_fn)(void *ctx, const char *data, size_t n);

struct http_parser {
	enum http_pstate state;
	int error;                 /* HTTP status when state == HTTP_P_ERROR */
	uint64_t max_body;         /* 413 above this */
	http_body_fn on_body;
	void *body_ctx;
	struct http_request req;
	/* Private: the sub-state machine (http_parser.c documents it). */
	int sub;
	size_t line_len;           /* bytes of the request line so far */
	size_t head_len;           /* bytes of the header section so far */
	unsigned fields;
	size_t tlen, vlen, nlen;   /* target, value, name lengths */
	char name[32];             /* header name (longer ones are not ours) */
	char value[HTTP_MAX_VALUE + 1];
	int field;                 /* which header this is (FIELD_* in http_parser.c) */
	bool name_long, value_long, value_ours, saw_te, saw_cl, conn_close, conn_keep;
	uint64_t number;           /* Content-Length or chunk size being read */
	unsigned digits;
	uint64_t remaining;        /* body or chunk bytes left */
};

void http_parser_init(struct http_parser *p, uint64_t max_body);

/* Consume bytes until the request is complete, an error is found, or the
 * input ends. Returns the number consumed (less than n only when the state
 * is HTTP_P_DONE or HTTP_P_ERROR). Feeding a parser in DONE or ERROR
 * consumes nothing. */
size_t http_parser_feed(struct http_parser *p, const char *data, size_t n);

/* After HTTP_P_DONE: start on the next pipelined request. */
void http_parser_next(struct http_parser *p);

/* True once any byte of the current request has arrived (the header
 * deadline runs from then), false while waiting between requests. */
bool http_parser_started(const struct http_parser *p);

/* The reason phrase of a status this server sends ("Bad Request"). */
const char *http_reason(int status);

#endif
