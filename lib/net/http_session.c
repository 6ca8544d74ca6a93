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
}

void http_session_release(struct http_session *s)
{
	if (s->file_fd >= 0)
		close(s->file_fd);
	s->file_fd = -1;
	s->file_left = 0;
}

/* The Date header's value, formatted at most once a second per thread;
 * *sec gets the second it is for. */
static const char *date_now(time_t *sec)
{
	static _Thread_local time_t cached = -1;
	static _Thread_local char text[32];
	time_t now = time(NULL);
	if (now != cached) {
		http_format_date(text, now);
		cached = now;
	}
	*sec = now;
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
	time_t sec;
	const char *date = date_now(&sec);
	if (c.sec != sec || c.status != status) {
		int n = snprintf(c.text, sizeof c.text, "HTTP/1.1 %d %s\r\nServer: weft\r\nDate: %s\r\n",
				 status, http_reason(status), date);
		c.len = n > 0 && (size_t)n < sizeof c.text ? (size_t)n : 0;
		c.sec = sec;
		c.status = status;
	}
	put(s, c.text, c.len);
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
	if (s->close_after)
		PUT_LIT(s, "Connection: close\r\n");
	else if (s->parser.state == HTTP_P_DONE && s->parser.req.minor == 0)
		PUT_LIT(s, "Connection: keep-alive\r\n");
}

/* A short text answer (errors, /hello): head and body in the buffer. */
static void answer_text(struct http_session *s, int status, const char *body, bool send_body)
{
	size_t len = strlen(body);
	head(s, status, "text/plain; charset=utf-8", len);
	if (status == 405)
		PUT_LIT(s, "Allow: GET, HEAD\r\n");
	PUT_LIT(s, "\r\n");
	if (send_body)
		put(s, body, len);
	log_request(s, status, len);
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

/* Answer the request in s->parser.req. */
static void respond(struct http_session *s)
{
	const struct http_request *r = &s->parser.req;
	bool head_only = strcmp(r->method, "HEAD") == 0;
	s->close_after = !r->keep_alive || atomic_load(&s->cfg->shutting_down);
	s->requests++;
	if (!head_only && strcmp(r->method, "GET") != 0)
		answer_text(s, 405, "405 Method Not Allowed\n", true);
	else if (strcmp(r->target, "/hello") == 0 || strncmp(r->target, "/hello?", 7) == 0)
		answer_text(s, 200, hello_body, !head_only);
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
	if (http_session_reading(s) && HTTP_OUT_BYTES - s->out_end >= RESP_RESERVE) {
		s->close_after = true;
		answer_text(s, 408, "408 Request Timeout\n", true);
	}
	s->close_after = true;
}
