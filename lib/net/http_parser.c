/*
 * http_parser.c: the request parser's state machine (see http_parser.h).
 *
 * Course idea: a protocol parser written for hostile input. Each byte moves
 * the machine one step; nothing is buffered except the few values a server
 * needs (method, target, version, framing, If-Modified-Since), each with a
 * fixed bound. So a request split anywhere parses the same as one delivered
 * whole, and no input can make the parser allocate, loop or overrun.
 *
 * States (p->state) and sub-states (p->sub):
 *   LINE:    L_START (CRLFs before a request) -> L_METHOD -SP-> L_TARGET
 *            -SP-> L_VERSION -CR-> L_LF -LF-> HEADERS
 *   HEADERS: H_START -tchar-> H_NAME -:-> H_OWS -> H_VALUE -CR-> H_LF -LF->
 *            H_START; H_START -CR-> H_END -LF-> (framing decided) BODY,
 *            CHUNKED or DONE
 *   CHUNKED: C_SIZE -;-> C_EXT -CR-> C_SIZE_LF -LF-> C_DATA -> C_DATA_CR
 *            -> C_DATA_LF -> C_SIZE; size 0 -> T_START (trailers, dropped)
 *            -CR-> T_END -LF-> DONE
 * Any byte not drawn is an error with the status of the rule it breaks.
 *
 * Byte classes and the fast scan: http_chars.h. Read next: http_session.c,
 * which feeds this from a connection's buffer.
 */
#include "http_parser.h"
#include "http_chars.h"

#include <string.h>

enum {
	L_START, L_METHOD, L_TARGET, L_VERSION, L_LF,
	H_START, H_NAME, H_OWS, H_VALUE, H_LF, H_END,
	C_SIZE, C_EXT, C_SIZE_LF, C_DATA, C_DATA_CR, C_DATA_LF,
	T_START, T_LINE, T_LF, T_END,
};

/* The header fields the parser acts on (p->field). */
enum { FIELD_OTHER, FIELD_LENGTH, FIELD_TE, FIELD_HOST, FIELD_CONNECTION, FIELD_IMS };

static int hex_value(unsigned char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

static size_t fail(struct http_parser *p, int status, size_t consumed)
{
	p->state = HTTP_P_ERROR;
	p->error = status;
	return consumed;
}

/* Every field is reset except the buffers' contents, which are only ever
 * read below their lengths: a reset per request must not cost a 4 KiB
 * memset, because pipelined requests each pay it. */
void http_parser_init(struct http_parser *p, uint64_t max_body)
{
	struct http_request *r = &p->req;
	r->method[0] = r->target[0] = r->ims[0] = '\0';
	r->minor = 0;
	r->keep_alive = r->chunked = r->has_length = r->has_host = false;
	r->content_length = r->body_bytes = 0;
	p->state = HTTP_P_LINE;
	p->error = 0;
	p->max_body = max_body;
	p->on_body = NULL;
	p->body_ctx = NULL;
	p->sub = L_START;
	p->line_len = p->head_len = 0;
	p->fields = 0;
	p->tlen = p->vlen = p->nlen = 0;
	p->field = 0;
	p->name_long = p->value_long = p->value_ours = p->saw_te = p->saw_cl = false;
	p->conn_close = p->conn_keep = false;
	p->number = p->remaining = 0;
	p->digits = 0;
}

void http_parser_next(struct http_parser *p)
{
	http_body_fn fn = p->on_body;
	void *ctx = p->body_ctx;
	http_parser_init(p, p->max_body);
	p->on_body = fn;
	p->body_ctx = ctx;
}

bool http_parser_started(const struct http_parser *p)
{
	return p->line_len > 0 || p->state != HTTP_P_LINE;
}

/* The version token "HTTP/1.1" sits in p->value; 0 or the status it earns. */
static int check_version(struct http_parser *p)
{
	const char *v = p->value;
	if (p->vlen != 8 || memcmp(v, "HTTP/", 5) != 0 || v[6] != '.' ||
	    v[5] < '0' || v[5] > '9' || v[7] < '0' || v[7] > '9')
		return 400;
	if (v[5] != '1' || (v[7] != '0' && v[7] != '1'))
		return 505;
	p->req.minor = v[7] - '0';
	return 0;
}

/* Content-Length: 1*DIGIT, nothing else (no sign, no list, no spaces). */
static int take_length(struct http_parser *p)
{
	uint64_t n = 0;
	if (p->vlen == 0)
		return 400;
	for (size_t i = 0; i < p->vlen; i++) {
		if (p->value[i] < '0' || p->value[i] > '9')
			return 400;
		if (n > (UINT64_MAX - 9) / 10)
			return 413;
		n = n * 10 + (uint64_t)(p->value[i] - '0');
	}
	if (p->saw_cl && n != p->req.content_length)
		return 400;
	p->saw_cl = true;
	p->req.has_length = true;
	p->req.content_length = n;
	return n > p->max_body ? 413 : 0;
}

/* Connection: a comma-separated list of tokens; we act on two of them. */
static void take_connection(struct http_parser *p)
{
	size_t i = 0;
	while (i < p->vlen) {
		while (i < p->vlen && (p->value[i] == ' ' || p->value[i] == '\t' || p->value[i] == ','))
			i++;
		size_t start = i;
		while (i < p->vlen && p->value[i] != ',' && p->value[i] != ' ' && p->value[i] != '\t')
			i++;
		if (http_ieq(p->value + start, i - start, "close"))
			p->conn_close = true;
		else if (http_ieq(p->value + start, i - start, "keep-alive"))
			p->conn_keep = true;
	}
}

/* One complete header line: act on the few fields that change framing or
 * the answer. Returns 0 or the status the field earns. */
static int end_field(struct http_parser *p)
{
	while (p->vlen > 0 && (p->value[p->vlen - 1] == ' ' || p->value[p->vlen - 1] == '\t'))
		p->vlen--; /* trailing OWS is not part of the value */
	if (!p->value_ours)
		return 0;
	if (p->value_long)
		return 431;
	p->value[p->vlen] = '\0';
	switch (p->field) {
	case FIELD_LENGTH:
		return take_length(p);
	case FIELD_TE:
		if (p->saw_te)
			return 400;
		p->saw_te = true;
		if (!http_ieq(p->value, p->vlen, "chunked"))
			return 501;
		p->req.chunked = true;
		break;
	case FIELD_HOST:
		if (p->req.has_host)
			return 400;
		p->req.has_host = true;
		break;
	case FIELD_CONNECTION:
		take_connection(p);
		break;
	case FIELD_IMS:
		/* Longer is no HTTP-date: ignored, as RFC 9110 13.1.3 says. */
		if (p->vlen <= HTTP_MAX_IMS)
			memcpy(p->req.ims, p->value, p->vlen + 1);
		break;
	}
	return 0;
}

/* Which of the fields the parser acts on this name is, decided once at the
 * colon (by length first: most names are none of them). */
static int field_of(const struct http_parser *p)
{
	const char *n = p->name;
	if (p->name_long)
		return FIELD_OTHER;
	switch (p->nlen) {
	case 4:  return http_ieq(n, 4, "host") ? FIELD_HOST : FIELD_OTHER;
	case 10: return http_ieq(n, 10, "connection") ? FIELD_CONNECTION : FIELD_OTHER;
	case 14: return http_ieq(n, 14, "content-length") ? FIELD_LENGTH : FIELD_OTHER;
	case 17: return http_ieq(n, 17, "transfer-encoding") ? FIELD_TE
		      : http_ieq(n, 17, "if-modified-since") ? FIELD_IMS : FIELD_OTHER;
	default: return FIELD_OTHER;
	}
}

/* The blank line ended the header section: decide keep-alive and framing. */
static int end_headers(struct http_parser *p)
{
	struct http_request *r = &p->req;
	if (p->saw_te && p->saw_cl)
		return 400; /* RFC 9112 6.1: a smuggling signature; refuse it */
	if (r->chunked && r->minor == 0)
		return 400; /* RFC 9112 6.1: chunked is not defined for 1.0 */
	if (r->minor == 1 && !r->has_host)
		return 400; /* RFC 9112 3.2 */
	r->keep_alive = r->minor == 1 ? !p->conn_close : (p->conn_keep && !p->conn_close);
	if (r->chunked) {
		p->state = HTTP_P_CHUNKED;
		p->sub = C_SIZE;
		p->number = 0;
		p->digits = 0;
	} else if (r->has_length && r->content_length > 0) {
		p->state = HTTP_P_BODY;
		p->remaining = r->content_length;
	} else {
		p->state = HTTP_P_DONE;
	}
	return 0;
}

static size_t feed_line(struct http_parser *p, const char *d, size_t n);
static size_t feed_headers(struct http_parser *p, const char *d, size_t n);
static size_t feed_chunked(struct http_parser *p, const char *d, size_t n);

/* Body data: hand over as much as is here and due, in one piece. */
static size_t feed_body(struct http_parser *p, const char *d, size_t n)
{
	size_t take = n < p->remaining ? n : (size_t)p->remaining;
	if (take && p->on_body)
		p->on_body(p->body_ctx, d, take);
	p->remaining -= take;
	p->req.body_bytes += take;
	if (p->remaining == 0)
		p->state = HTTP_P_DONE;
	return take;
}

size_t http_parser_feed(struct http_parser *p, const char *data, size_t n)
{
	size_t used = 0;
	while (used < n) {
		size_t k;
		switch (p->state) {
		case HTTP_P_LINE:    k = feed_line(p, data + used, n - used); break;
		case HTTP_P_HEADERS: k = feed_headers(p, data + used, n - used); break;
		case HTTP_P_BODY:    k = feed_body(p, data + used, n - used); break;
		case HTTP_P_CHUNKED: k = feed_chunked(p, data + used, n - used); break;
		default:             return used; /* DONE or ERROR: the caller's turn */
		}
		used += k;
		if (p->state == HTTP_P_ERROR)
			return used;
	}
	return used;
}

/* The run-at-a-time steps of the request line and header states. Each
 * starts at d[*i] (already counted against its limit by the caller's loop)
 * and takes the longest run of bytes its state accepts (counting the rest).
 * When the byte after the run is here and within the limit, the step counts
 * it and handles it too, as the loop would have on its next turn (a name's
 * colon, a value's CR): one step per field instead of two. Otherwise it
 * leaves *i on the run's last byte for the loop. It returns 0 or the status
 * to fail with at *i. With an empty run, d[*i] is the byte that ends the
 * state. */

/* After a run of `run` (> 0) bytes at d[*i], the first already counted in
 * *count: step onto the byte after it (counted: true) if that is here and
 * *count stays within `limit`, else onto the run's last byte (false). */
static bool past_run(size_t *count, size_t limit, size_t n, size_t *i, size_t run)
{
	if (*i + run < n && *count + run <= limit) {
		*count += run;
		*i += run;
		return true;
	}
	*count += run - 1;
	*i += run - 1;
	return false;
}

static int line_method(struct http_parser *p, const char *d, size_t n, size_t *i)
{
	size_t run = http_span(d + *i, n - *i, HTTP_MAX_LINE - p->line_len + 1, HTTP_TCHAR);
	if (run > 0) {
		if (run > HTTP_MAX_METHOD - p->nlen) { /* fail where the first extra byte is */
			*i += HTTP_MAX_METHOD - p->nlen;
			return 501;
		}
		memcpy(p->req.method + p->nlen, d + *i, run);
		p->nlen += run;
		if (!past_run(&p->line_len, HTTP_MAX_LINE, n, i, run))
			return 0;
	}
	if (d[*i] != ' ' || p->nlen == 0)
		return 400;
	p->req.method[p->nlen] = '\0';
	p->sub = L_TARGET;
	return 0;
}

static int line_target(struct http_parser *p, const char *d, size_t n, size_t *i)
{
	size_t run = http_span(d + *i, n - *i, HTTP_MAX_LINE - p->line_len + 1, HTTP_TARGET);
	if (run > 0) {
		/* tlen + run < line_len + run - 1 <= HTTP_MAX_LINE: it fits, with the NUL */
		memcpy(p->req.target + p->tlen, d + *i, run);
		p->tlen += run;
		if (!past_run(&p->line_len, HTTP_MAX_LINE, n, i, run))
			return 0;
	}
	if (d[*i] != ' ' || p->tlen == 0)
		return 400;
	p->req.target[p->tlen] = '\0';
	p->sub = L_VERSION;
	p->vlen = 0;
	return 0;
}

/* The version and the line's end at d[*i], when all ten bytes are here
 * and within the line's limit: "HTTP/1.1\r\n" or "HTTP/1.0\r\n", the
 * only two a request may carry, taken at once (the byte-by-byte path below
 * gives the same answer for them, and handles every other input).
 * Returns false, touching nothing, when it does not apply. */
static bool line_version_fast(struct http_parser *p, const char *d, size_t n, size_t i)
{
	if (p->vlen != 0 || n - i < 10 || p->line_len + 9 > HTTP_MAX_LINE ||
	    memcmp(d + i, "HTTP/1.", 7) != 0 || (d[i + 7] != '0' && d[i + 7] != '1') ||
	    d[i + 8] != '\r' || d[i + 9] != '\n')
		return false;
	p->req.minor = d[i + 7] - '0';
	p->line_len += 9;
	p->state = HTTP_P_HEADERS;
	p->sub = H_START;
	return true;
}

static int header_name(struct http_parser *p, const char *d, size_t n, size_t *i)
{
	size_t run = http_span(d + *i, n - *i, HTTP_MAX_HEADERS - p->head_len + 1, HTTP_TCHAR);
	if (run > 0) {
		size_t room = sizeof p->name - p->nlen, take = run < room ? run : room;
		memcpy(p->name + p->nlen, d + *i, take);
		p->nlen += take;
		p->name_long |= take < run;
		if (!past_run(&p->head_len, HTTP_MAX_HEADERS, n, i, run))
			return 0;
	}
	if (d[*i] != ':')
		return 400; /* includes "Name :" (RFC 9112 5.1) */
	p->field = field_of(p);
	p->value_ours = p->field != FIELD_OTHER;
	p->sub = H_OWS;
	return 0;
}

static int header_value(struct http_parser *p, const char *d, size_t n, size_t *i)
{
	size_t run = http_span(d + *i, n - *i, HTTP_MAX_HEADERS - p->head_len + 1, HTTP_FIELD);
	if (run > 0) {
		if (p->value_ours) {
			size_t room = HTTP_MAX_VALUE - p->vlen, take = run < room ? run : room;
			memcpy(p->value + p->vlen, d + *i, take);
			p->vlen += take;
			p->value_long |= take < run;
		}
		if (!past_run(&p->head_len, HTTP_MAX_HEADERS, n, i, run))
			return 0;
	}
	if (d[*i] != '\r')
		return 400;
	p->sub = H_LF;
	return 0;
}

/* The request line, one byte (or one run) at a time. */
static size_t feed_line(struct http_parser *p, const char *d, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)d[i];
		if (++p->line_len > HTTP_MAX_LINE)
			return fail(p, 414, i);
		int st = 0;
		switch (p->sub) {
		case L_START: /* RFC 9112 2.2: empty lines before a request are ignored */
			if (c == '\r' && !p->digits) { p->digits = 1; continue; }
			if (c == '\n' && p->digits) { p->digits = 0; continue; }
			if (p->digits || !http_is_tchar(c))
				return fail(p, 400, i);
			p->sub = L_METHOD;
			/* fall through */
		case L_METHOD:
			st = line_method(p, d, n, &i);
			break;
		case L_TARGET:
			st = line_target(p, d, n, &i);
			break;
		case L_VERSION:
			if (line_version_fast(p, d, n, i))
				return i + 10;
			if (c == '\r') {
				st = check_version(p);
				p->sub = L_LF;
			} else if (p->vlen == 8) {
				st = 400;
			} else {
				p->value[p->vlen++] = (char)c;
			}
			break;
		case L_LF:
			if (c != '\n')
				return fail(p, 400, i);
			p->state = HTTP_P_HEADERS;
			p->sub = H_START;
			return i + 1;
		}
		if (st)
			return fail(p, st, i);
	}
	return n;
}

/* Start a header line's name with its first byte. */
static void begin_field(struct http_parser *p, unsigned char c)
{
	p->nlen = 0;
	p->vlen = 0;
	p->name_long = false;
	p->value_long = false;
	p->name[p->nlen++] = (char)c;
	p->sub = H_NAME;
}

/* The header section, one byte (or one run) at a time. */
static size_t feed_headers(struct http_parser *p, const char *d, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)d[i];
		if (++p->head_len > HTTP_MAX_HEADERS)
			return fail(p, 431, i);
		int st = 0;
		switch (p->sub) {
		case H_START:
			if (c == '\r') {
				p->sub = H_END;
			} else if (http_is_tchar(c)) {
				if (++p->fields > HTTP_MAX_FIELDS)
					return fail(p, 431, i);
				begin_field(p, c);
			} else {
				return fail(p, 400, i); /* SP/HTAB here is obs-fold */
			}
			break;
		case H_NAME:
			st = header_name(p, d, n, &i);
			break;
		case H_OWS:
			if (c == ' ' || c == '\t')
				break;
			p->sub = H_VALUE;
			/* fall through */
		case H_VALUE:
			st = header_value(p, d, n, &i);
			break;
		case H_LF:
			st = c != '\n' ? 400 : end_field(p);
			p->sub = H_START;
			break;
		case H_END:
			st = c != '\n' ? 400 : end_headers(p);
			if (!st)
				return i + 1;
			break;
		}
		if (st)
			return fail(p, st, i);
	}
	return n;
}

/* One hex digit of a chunk size; 0 or the status it earns. */
static int chunk_digit(struct http_parser *p, unsigned char c)
{
	int h = hex_value(c);
	if (h < 0)
		return 400;
	if (p->number > (p->max_body >> 4) || ++p->digits > 16)
		return 413;
	p->number = p->number * 16 + (uint64_t)h;
	if (p->req.body_bytes + p->number > p->max_body)
		return 413;
	return 0;
}

/* The end of a chunk-size line: data next, or trailers after the last chunk. */
static void chunk_size_done(struct http_parser *p)
{
	p->remaining = p->number;
	p->number = 0;
	p->digits = 0;
	p->sub = p->remaining ? C_DATA : T_START;
}

/* A chunked body (RFC 9112 7.1), one byte at a time except for the data. */
static size_t feed_chunked(struct http_parser *p, const char *d, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)d[i];
		if (p->sub != C_DATA && ++p->head_len > HTTP_MAX_HEADERS)
			return fail(p, 413, i); /* chunk overhead and trailers: one bound */
		int st = 0;
		switch (p->sub) {
		case C_SIZE:
			if (c == '\r' && p->digits) p->sub = C_SIZE_LF;
			else if (c == ';' && p->digits) p->sub = C_EXT;
			else st = chunk_digit(p, c);
			break;
		case C_EXT:
			if (c == '\r') p->sub = C_SIZE_LF;
			else if (!http_is_field_char(c)) st = 400;
			break;
		case C_SIZE_LF:
			if (c != '\n') st = 400;
			else chunk_size_done(p);
			break;
		case C_DATA: {
			size_t take = n - i < p->remaining ? n - i : (size_t)p->remaining;
			if (p->on_body)
				p->on_body(p->body_ctx, d + i, take);
			p->remaining -= take;
			p->req.body_bytes += take;
			i += take - 1;
			if (p->remaining == 0)
				p->sub = C_DATA_CR;
			break;
		}
		case C_DATA_CR: if (c != '\r') st = 400; else p->sub = C_DATA_LF; break;
		case C_DATA_LF: if (c != '\n') st = 400; else p->sub = C_SIZE; break;
		case T_START:
			if (c == '\r') p->sub = T_END;
			else if (http_is_tchar(c)) p->sub = T_LINE;
			else st = 400;
			break;
		case T_LINE:
			if (c == '\r') p->sub = T_LF;
			else if (!http_is_field_char(c)) st = 400;
			break;
		case T_LF: if (c != '\n') st = 400; else p->sub = T_START; break;
		case T_END:
			if (c != '\n')
				return fail(p, 400, i);
			p->state = HTTP_P_DONE;
			return i + 1;
		}
		if (st)
			return fail(p, st, i);
	}
	return n;
}

const char *http_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 413: return "Content Too Large";
	case 414: return "URI Too Long";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 503: return "Service Unavailable";
	case 505: return "HTTP Version Not Supported";
	default:  return "Unknown";
	}
}
