/*
 * http_chars.h: the byte classes of HTTP/1.1 and a fast scan through a run
 * of one class, for the request parser (http_parser.c).
 *
 * Course idea: the hottest test in a parser is "may this byte appear
 * here?". One table lookup answers it (a strchr per byte was 2-3% of a
 * pipelined /hello), and a run of allowed bytes (a target, a header name or
 * value) is crossed in one step instead of one state-machine turn per byte:
 * sixteen bytes at a time with SSE2 where the machine has it. The classes,
 * built from the RFC's definitions (http_chars.c):
 *   HTTP_TCHAR   RFC 9110 5.6.2: "!#$%&'*+-.^_`|~" / DIGIT / ALPHA
 *   HTTP_FIELD   field-vchar / SP / HTAB, obs-text (0x80-0xff) allowed (5.5)
 *   HTTP_TARGET  visible ASCII, 0x21-0x7e
 * CR is in none of them, so a run stops at a line's end.
 *
 * Read next: http_parser.c.
 */
#ifndef WEFT_HTTP_CHARS_H
#define WEFT_HTTP_CHARS_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

enum { HTTP_TCHAR = 1, HTTP_FIELD = 2, HTTP_TARGET = 4 };

/* The classes of each byte value, filled before main() (a constructor). */
extern unsigned char http_classes[256];

static inline bool http_is_tchar(unsigned char c) { return http_classes[c] & HTTP_TCHAR; }
static inline bool http_is_field_char(unsigned char c) { return http_classes[c] & HTTP_FIELD; }

/* a[0, alen) equals the lower-case string b, ignoring ASCII case: header
 * names and tokens are case-insensitive (RFC 9110 5.1). */
static inline bool http_ieq(const char *a, size_t alen, const char *b)
{
	size_t blen = strlen(b);
	if (alen != blen)
		return false;
	for (size_t i = 0; i < alen; i++) {
		char c = a[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != b[i])
			return false;
	}
	return true;
}

#ifdef __SSE2__
#include <emmintrin.h>

/* Sixteen bytes at once: a bit set in the result for each byte of `v` in
 * the TARGET class (0x21-0x7e) or the FIELD class (HTAB, SP, 0x21-0xff but
 * DEL), the same sets the table holds (net_parser_test's
 * test_every_byte_in_target_and_value checks every byte value both ways).
 * Compares are signed, so 0x80-0xff are below 0x00. */
static inline unsigned http_class_mask16(__m128i v, unsigned cls)
{
	__m128i dont = _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7f));
	__m128i in;
	if (cls == HTTP_TARGET) {
		in = _mm_cmpgt_epi8(v, _mm_set1_epi8(0x20)); /* 0x21-0x7f */
	} else {
		in = _mm_or_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8(0x1f)), /* SP-0x7f */
				  _mm_or_si128(_mm_cmplt_epi8(v, _mm_setzero_si128()), /* 0x80-0xff */
					       _mm_cmpeq_epi8(v, _mm_set1_epi8('\t'))));
	}
	return (unsigned)_mm_movemask_epi8(_mm_andnot_si128(dont, in));
}
#endif

/* How many leading bytes of d[0, n) (at most max) are in class `cls`.
 * Targets and values are tested sixteen bytes at a time while sixteen are
 * left (SSE2); names, and the tail, by the table. */
static inline size_t http_span(const char *d, size_t n, size_t max, unsigned cls)
{
	size_t lim = n < max ? n : max, k = 0;
#ifdef __SSE2__
	if (cls != HTTP_TCHAR) {
		while (k + 16 <= lim) {
			unsigned in = http_class_mask16(_mm_loadu_si128((const __m128i *)(d + k)), cls);
			if (in != 0xffff)
				return k + (size_t)__builtin_ctz(~in);
			k += 16;
		}
	}
#endif
	while (k < lim && (http_classes[(unsigned char)d[k]] & cls))
		k++;
	return k;
}

#endif
