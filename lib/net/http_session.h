/*
 * http_session.h: one connection's HTTP state, independent of how IO is done.
 *
 * Course idea: separate the protocol from the IO model ("sans-IO"). A
 * session holds what a connection has received but not yet parsed and what
 * it must still send; the caller moves bytes in and out however its model
 * does IO (blocking with a deadline in a thread or process, non-blocking
 * from an epoll loop, or awaiting in a coroutine). So the course's three
 * server models run the very same handler and are compared on equal work.
 *
 * Pipelining: http_session_process() answers requests in arrival order,
 * appending small responses to one output buffer (16 pipelined /hello
 * requests become one write), and stops at a response with a file body until
 * that file has been sent, so order is kept without queueing descriptors.
 *
 * Contract for the IO side, in a loop:
 *   1. put received bytes at http_session_inbuf() and call
 *      http_session_received(); call http_session_process();
 *   2. while http_session_out() has bytes, send them and call
 *      http_session_sent(); then send any file segment
 *      (s->file_fd, s->file_off, s->file_left), call http_session_file_sent(),
 *      and call http_session_process() again;
 *   3. stop when http_session_finished() (close the connection).
 * http_session_inbuf() returns 0 bytes of room while the session is busy
 * sending: stop reading then (back-pressure against pipelining floods).
 *
 * Read next: http_serve.c (the blocking loop), tools/net/httpd_event.c.
 */
#ifndef WEFT_HTTP_SESSION_H
#define WEFT_HTTP_SESSION_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "http_parser.h"

#define HTTP_IN_BYTES  8192
#define HTTP_OUT_BYTES 8192

/* The server's settings, shared read-only by every session (shutting_down
 * is the one field that changes: set once, by the signal path). */
struct http_cfg {
	int root_fd;           /* the served directory, or -1: /hello only */
	bool log;              /* one line per request on log_fd */
	int log_fd;
	uint64_t max_body;     /* 413 above */
	int header_ms;         /* absolute deadline to read a request */
	int idle_ms;           /* keep-alive idle and send-progress timeout */
	atomic_bool shutting_down; /* answer in flight, then close */
};

struct http_session {
	const struct http_cfg *cfg;
	struct http_parser parser;
	size_t in_start, in_end;       /* unparsed bytes: in[in_start, in_end) */
	size_t out_start, out_end;     /* unsent bytes: out[out_start, out_end) */
	int file_fd;                   /* -1, or a body to send after out */
	off_t file_off;
	size_t file_left;
	bool close_after;              /* no more requests: close once sent */
	unsigned long requests;        /* answered on this connection */
	time_t now;                    /* the clock, read once per batch of requests */
	char in[HTTP_IN_BYTES];
	char out[HTTP_OUT_BYTES];
};

void http_session_init(struct http_session *s, const struct http_cfg *cfg);
/* Close any file still open. The session may then be initialised again. */
void http_session_release(struct http_session *s);

char *http_session_inbuf(struct http_session *s, size_t *room);
void http_session_received(struct http_session *s, size_t n);
void http_session_process(struct http_session *s);
const char *http_session_out(const struct http_session *s, size_t *n);
void http_session_sent(struct http_session *s, size_t n);
void http_session_file_sent(struct http_session *s, size_t n);

/* Nothing buffered either way and no request begun: the connection is idle
 * (the event model frees the session then; see httpd_event.c). */
bool http_session_idle(const struct http_session *s);
/* Some bytes of a request have arrived: the header deadline applies. */
bool http_session_reading(const struct http_session *s);
/* Everything is sent and no more requests will be taken. */
bool http_session_finished(const struct http_session *s);

/* The connection timed out while reading a request: queue a 408 and close. */
void http_session_timeout(struct http_session *s);

#endif
