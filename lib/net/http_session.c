/*
 * http_session.c: turning parsed requests into responses, in order.
 *
 * Course idea: the handler of the course's server, written once for every
 * IO model (see http_session.h). Responses are formatted straight into the
 * output buffer; a file body is never copied: the IO side sends it with
 * sendfile(2) from s->file_fd.
 *
 * Read next: http_serve.c.
 */
#include "http_session.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "http_files.h"

/* Room kept free in the output buffer for one response's head; a request is
 * only taken when this much is free, so formatting can never truncate. */
#define RESP_RESERVE 1024

static const char hello_body[] = "Hello, world!\n";

void http_session_init(struct http_session *s, const struct http_cfg *cfg)
{
	s->cfg = cfg;
	http_parser_init(&s->parser, cfg->max_body);
	s->in_start = s->in_end = 0;
	s->out_start = s->out_end = 0;
	s->file_fd = -1;
	s->file_off = 0;
	s->file_left = 0;
	s->close_after = false;
	s->requests = 0;
	s->now = time(NULL);
}

void http_session_release(struct http_session *s)
{
	if (s->file_fd >= 0)
		close(s->file_fd);
	s->file_fd = -1;
	s->file_left = 0;
}

/* The Date header's value for second `now`, formatted at most once a
 * second per thread. */
static const char *date_of(time_t now)
{
	static _Thread_local time_t cached = -1;
	static _Thread_local char text[32];
	if (now != cached) {
		http_format_date(text, now);
		cached = now;
	}
	return text;
}

/* Append n bytes. Callers append at most one response head and a short
 * body (well under RESP_RESERVE) after checking that much room, so the
 * clamp below never acts; it is there so a future mistake truncates a
 * response instead of overrunning the buffer. Plain copies, not printf:
 * formatting is most of the cost of a pipelined /hello. */
static void put(struct http_session *s, const char *str, size_t n)
{
	size_t room = HTTP_OUT_BYTES - s->out_end;
	if (n > room)
		n = room;
	memcpy(s->out + s->out_end, str, n);
	s->out_end += n;
}

static void puts_(struct http_session *s, const char *str)
{
	put(s, str, strlen(str));
}

#define PUT_LIT(s, lit) put((s), (lit), sizeof(lit) - 1)

static void put_u64(struct http_session *s, unsigned long long v)
{
	char tmp[24];
	size_t i = sizeof tmp;
	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	put(s, tmp + i, sizeof tmp - i);
}

static void log_request(struct http_session *s, int status, unsigned long long bytes)
{
	const struct http_cfg *c = s->cfg;
	if (!c->log)
		return;
	const struct http_request *r = &s->parser.req;
	bool parsed = s->parser.state == HTTP_P_DONE;
	char line[320];
	int n = snprintf(line, sizeof line, "%s %.200s %d %llu\n", parsed ? r->method : "-",
			 parsed ? r->target : "-", status, bytes);
	if (n > 0 && write(c->log_fd, line, (size_t)n) < 0) {
		/* a full or closed log must not stop the server */
	}
}

/* The status line, Server and Date: the same bytes for every answer with
 * this status in this second, so they are built once (per thread) and then
 * copied, as nginx keeps its Date string. */
static void head_start(struct http_session *s, int status)
{
	static _Thread_local struct { time_t sec; int status; size_t len; char text[128]; } c = { -1, 0, 0, "" };
	time_t sec = s->now;
	const char *date = date_of(sec);
	if (c.sec != sec || c.status != status) {
		int n = snprintf(c.text, sizeof c.text, "HTTP/1.1 %d %s\r\nServer: weft\r\nDate: %s\r\n",
				 status, http_reason(status), date);
		c.len = n > 0 && (size_t)n < sizeof c.text ? (size_t)n : 0;
		c.sec = sec;
		c.status = status;
	}
	put(s, c.text, c.len);
}

/* Which Connection header head() writes: 0 none, 1 close, 2 keep-alive. */
static int connection_kind(const struct http_session *s)
{
	if (s->close_after)
		return 1;
	return s->parser.state == HTTP_P_DONE && s->parser.req.minor == 0 ? 2 : 0;
}

/* The head of every response: status line, Date, Server, framing. */
static void head(struct http_session *s, int status, const char *type, unsigned long long len)
{
	head_start(s, status);
	if (type) {
		PUT_LIT(s, "Content-Type: ");
		puts_(s, type);
		PUT_LIT(s, "\r\n");
	}
	if (status != 304) {
		PUT_LIT(s, "Content-Length: ");
		put_u64(s, len);
		PUT_LIT(s, "\r\n");
	}
	int conn = connection_kind(s);
	if (conn == 1)
		PUT_LIT(s, "Connection: close\r\n");
	else if (conn == 2)
		PUT_LIT(s, "Connection: keep-alive\r\n");
}

/* A short text answer (errors, /hello): head and body in the buffer. */
static void answer_text_built(struct http_session *s, int status, const char *body, bool send_body)
{
	size_t len = strlen(body);
	head(s, status, "text/plain; charset=utf-8", len);
	if (status == 405)
		PUT_LIT(s, "Allow: GET, HEAD\r\n");
	PUT_LIT(s, "\r\n");
	if (send_body)
		put(s, body, len);
}

/* The /hello answer is the same bytes for every request with the same
 * second, body or not (HEAD), and Connection header: it is built once by
 * answer_text_built() and then copied, as a pipelined batch asks for it
 * again and again. The key covers everything the bytes depend on;
 * net_session_test checks each variant against the built answer. */
static void answer_hello(struct http_session *s, bool send_body)
{
	static _Thread_local struct {
		time_t sec; bool body; int conn; size_t len; char text[256];
	} c = { -1, false, -1, 0, "" };
	int conn = connection_kind(s);
	if (c.sec == s->now && c.body == send_body && c.conn == conn) {
		put(s, c.text, c.len);
	} else {
		size_t start = s->out_end;
		answer_text_built(s, 200, hello_body, send_body);
		size_t n = s->out_end - start;
		c.sec = -1; /* kept only if it fits whole */
		if (n <= sizeof c.text) {
			memcpy(c.text, s->out + start, n);
			c.len = n;
			c.sec = s->now;
			c.body = send_body;
			c.conn = conn;
		}
	}
	log_request(s, 200, sizeof hello_body - 1);
}

static void answer_text(struct http_session *s, int status, const char *body, bool send_body)
{
	answer_text_built(s, status, body, send_body);
	log_request(s, status, strlen(body));
}

static void answer_file(struct http_session *s, const char *target, bool send_body)
{
	struct stat st;
	int fd;
	const char *type;
	int status = http_open_file(s->cfg->root_fd, target, &fd, &st, &type);
	if (status) {
		char body[64];
		snprintf(body, sizeof body, "%d %s\n", status, http_reason(status));
		answer_text(s, status, body, send_body);
		return;
	}
	char mod[32];
	http_format_date(mod, st.st_mtime);
	bool fresh = http_not_modified(s->parser.req.ims, st.st_mtime);
	head(s, fresh ? 304 : 200, fresh ? NULL : type, (unsigned long long)st.st_size);
	PUT_LIT(s, "Last-Modified: ");
	puts_(s, mod);
	PUT_LIT(s, "\r\n\r\n");
	log_request(s, fresh ? 304 : 200, fresh ? 0 : (unsigned long long)st.st_size);
	if (fresh || !send_body || st.st_size == 0) {
		close(fd);
		return;
	}
	s->file_fd = fd;
	s->file_off = 0;
	s->file_left = (size_t)st.st_size;
}

/* NUL-terminated `str` equals the literal (or, with `prefix`, starts with
 * it), for a str in a buffer of at least sizeof(lit) bytes: a fixed-size
 * memcmp the compiler inlines (a string before its NUL cannot match past it,
 * since the literal has no NUL inside). Four libc calls per request were 2%
 * of a pipelined /hello. */
#define IS(str, lit)        (memcmp((str), lit, sizeof(lit)) == 0)
#define STARTS(str, lit)    (memcmp((str), lit, sizeof(lit) - 1) == 0)

/* Answer the request in s->parser.req. */
static void respond(struct http_session *s)
{
	const struct http_request *r = &s->parser.req;
	_Static_assert(sizeof r->method >= sizeof "HEAD" && sizeof r->target >= sizeof "/hello?",
		       "IS() and STARTS() read that many bytes");
	bool get = IS(r->method, "GET");
	bool head_only = !get && IS(r->method, "HEAD");
	s->close_after = !r->keep_alive || atomic_load(&s->cfg->shutting_down);
	s->requests++;
	if (!get && !head_only)
		answer_text(s, 405, "405 Method Not Allowed\n", true);
	else if (IS(r->target, "/hello") || STARTS(r->target, "/hello?"))
		answer_hello(s, !head_only);
	else if (s->cfg->root_fd < 0)
		answer_text(s, 404, "404 Not Found\n", !head_only);
	else
		answer_file(s, r->target, !head_only);
}

static void respond_error(struct http_session *s, int status)
{
	char body[64];
	s->close_after = true; /* the framing is lost: nothing after this is trusted */
	snprintf(body, sizeof body, "%d %s\n", status, http_reason(status));
	answer_text(s, status, body, true);
}

void http_session_process(struct http_session *s)
{
	s->now = time(NULL); /* once per batch: every answer in it has this Date */
	if (s->out_start > 0) { /* keep unsent bytes at the front */
		memmove(s->out, s->out + s->out_start, s->out_end - s->out_start);
		s->out_end -= s->out_start;
		s->out_start = 0;
	}
	while (!s->close_after && s->file_left == 0 && HTTP_OUT_BYTES - s->out_end >= RESP_RESERVE) {
		struct http_parser *p = &s->parser;
		if (p->state == HTTP_P_ERROR) {
			respond_error(s, p->error);
		} else if (p->state == HTTP_P_DONE) {
			respond(s);
			http_parser_next(p);
		} else if (s->in_start < s->in_end) {
			s->in_start += http_parser_feed(p, s->in + s->in_start, s->in_end - s->in_start);
		} else {
			break;
		}
	}
	if (s->in_start == s->in_end)
		s->in_start = s->in_end = 0;
}

char *http_session_inbuf(struct http_session *s, size_t *room)
{
	if (s->in_start > 0) {
		memmove(s->in, s->in + s->in_start, s->in_end - s->in_start);
		s->in_end -= s->in_start;
		s->in_start = 0;
	}
	*room = s->close_after ? 0 : HTTP_IN_BYTES - s->in_end;
	return s->in + s->in_end;
}

void http_session_received(struct http_session *s, size_t n)
{
	s->in_end += n;
}

const char *http_session_out(const struct http_session *s, size_t *n)
{
	*n = s->out_end - s->out_start;
	return s->out + s->out_start;
}

void http_session_sent(struct http_session *s, size_t n)
{
	s->out_start += n;
	if (s->out_start == s->out_end)
		s->out_start = s->out_end = 0;
}

void http_session_file_sent(struct http_session *s, size_t n)
{
	s->file_left -= n;
	if (s->file_left == 0)
		http_session_release(s);
}

bool http_session_reading(const struct http_session *s)
{
	enum http_pstate st = s->parser.state;
	return http_parser_started(&s->parser) && st != HTTP_P_DONE && st != HTTP_P_ERROR;
}

bool http_session_idle(const struct http_session *s)
{
	return !http_parser_started(&s->parser) && s->in_start == s->in_end &&
	       s->out_start == s->out_end && s->file_left == 0 && !s->close_after;
}

bool http_session_finished(const struct http_session *s)
{
	return s->close_after && s->out_start == s->out_end && s->file_left == 0;
}

void http_session_timeout(struct http_session *s)
{
	if (s->close_after)
		return;
	s->now = time(NULL);
	if (http_session_reading(s) && HTTP_OUT_BYTES - s->out_end >= RESP_RESERVE) {
		s->close_after = true;
		answer_text(s, 408, "408 Request Timeout\n", true);
	}
	s->close_after = true;
}
