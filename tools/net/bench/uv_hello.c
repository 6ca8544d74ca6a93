/*
 * uv_hello.c: the minimal libuv peer for `make bench-net` (not part of weft).
 *
 * Course idea: a fair reference. It does the least an HTTP server can: it
 * counts the request ends ("\r\n\r\n", tracked across reads) and answers
 * each with the same fixed /hello response, all answers of one read in one
 * write. weft's event model parses every request strictly and must still
 * compete with this.
 *
 * Usage: uv_hello PORT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

static const char reply[] = "HTTP/1.1 200 OK\r\nServer: uv\r\nContent-Type: text/plain\r\n"
			    "Content-Length: 14\r\n\r\nHello, world!\n";

struct client {
	uv_tcp_t tcp;
	int matched; /* how much of "\r\n\r\n" ended the last read */
};

struct wreq {
	uv_write_t req;
	char *buf;
};

static void on_alloc(uv_handle_t *h, size_t hint, uv_buf_t *b)
{
	(void)h;
	(void)hint;
	static char slab[65536];
	*b = uv_buf_init(slab, sizeof slab);
}

static void on_close(uv_handle_t *h) { free(h); }

static void on_written(uv_write_t *w, int status)
{
	(void)status;
	struct wreq *r = (struct wreq *)w;
	free(r->buf);
	free(r);
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *b)
{
	struct client *c = (struct client *)s;
	if (n < 0) {
		uv_close((uv_handle_t *)s, on_close);
		return;
	}
	int count = 0;
	for (ssize_t i = 0; i < n; i++) {
		char want = "\r\n\r\n"[c->matched];
		c->matched = b->base[i] == want ? c->matched + 1 : (b->base[i] == '\r' ? 1 : 0);
		if (c->matched == 4) {
			count++;
			c->matched = 0;
		}
	}
	if (!count)
		return;
	struct wreq *r = malloc(sizeof *r);
	size_t len = sizeof reply - 1;
	r->buf = malloc(len * (size_t)count);
	for (int i = 0; i < count; i++)
		memcpy(r->buf + len * (size_t)i, reply, len);
	uv_buf_t out = uv_buf_init(r->buf, (unsigned)(len * (size_t)count));
	uv_write(&r->req, s, &out, 1, on_written);
}

static void on_conn(uv_stream_t *server, int status)
{
	if (status < 0)
		return;
	struct client *c = calloc(1, sizeof *c);
	uv_tcp_init(server->loop, &c->tcp);
	if (uv_accept(server, (uv_stream_t *)&c->tcp) == 0) {
		uv_tcp_nodelay(&c->tcp, 1);
		uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read);
	} else {
		uv_close((uv_handle_t *)&c->tcp, on_close);
	}
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: uv_hello PORT\n");
		return 2;
	}
	uv_loop_t *loop = uv_default_loop();
	uv_tcp_t server;
	struct sockaddr_in addr;
	uv_ip4_addr("127.0.0.1", atoi(argv[1]), &addr);
	uv_tcp_init(loop, &server);
	if (uv_tcp_bind(&server, (const struct sockaddr *)&addr, 0) ||
	    uv_listen((uv_stream_t *)&server, 4096, on_conn)) {
		fprintf(stderr, "uv_hello: cannot listen on %s\n", argv[1]);
		return 1;
	}
	return uv_run(loop, UV_RUN_DEFAULT);
}
