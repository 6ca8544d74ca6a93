/*
 * net_fuzz.c: libFuzzer target for the HTTP/1.1 request parser.
 *
 * Course idea: fuzzing with an oracle. Crashes and sanitizer reports are
 * only half of what a fuzzer finds; the other half needs a property the
 * code must keep. Here it is the parser's promise (http_parser.h): a byte
 * stream parses the same whether it arrives whole or in pieces. The first
 * input byte picks the piece sizes; the rest is a stream of pipelined
 * requests, parsed request by request both ways and compared.
 *
 * Run: `make fuzz` (FUZZ_SECONDS=N, corpus in build/fuzz/corpus); `make
 * test` runs it briefly. Read next: tests/host/net_parser_test.c.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http_parser.h"

struct trace {
	int states[64];
	int errors[64];
	size_t used[64];
	uint64_t body[64];
	int keep[64];
	unsigned n;
};

/* Parse every pipelined request, feeding pieces of at most `piece` bytes. */
static void parse_all(const char *d, size_t n, size_t piece, struct trace *t)
{
	static struct http_parser p;
	http_parser_init(&p, 4096);
	size_t pos = 0, start = 0;
	t->n = 0;
	while (t->n < 64) {
		size_t len = n - pos < piece ? n - pos : piece;
		size_t k = http_parser_feed(&p, d + pos, len);
		pos += k;
		if (p.state == HTTP_P_DONE || p.state == HTTP_P_ERROR || pos == n) {
			t->states[t->n] = p.state;
			t->errors[t->n] = p.error;
			t->used[t->n] = pos - start;
			t->body[t->n] = p.req.body_bytes;
			t->keep[t->n] = p.state == HTTP_P_DONE ? p.req.keep_alive : -1;
			t->n++;
			if (p.state != HTTP_P_DONE || pos == n)
				return;
			if (strlen(p.req.target) >= HTTP_MAX_LINE || strlen(p.req.method) > HTTP_MAX_METHOD)
				abort();
			http_parser_next(&p);
			start = pos;
		} else if (k < len) {
			abort(); /* consumed less with no reason to stop */
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	size_t piece = (size_t)(data[0] % 7) + 1;
	const char *d = (const char *)data + 1;
	size_t n = size - 1;
	static struct trace whole, split;
	parse_all(d, n, n ? n : 1, &whole);
	parse_all(d, n, piece, &split);
	if (whole.n != split.n)
		abort();
	for (unsigned i = 0; i < whole.n; i++)
		if (whole.states[i] != split.states[i] || whole.errors[i] != split.errors[i] ||
		    whole.used[i] != split.used[i] || whole.body[i] != split.body[i] ||
		    whole.keep[i] != split.keep[i])
			abort();
	return 0;
}
