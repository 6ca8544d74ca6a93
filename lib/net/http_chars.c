/*
 * http_chars.c: the byte-class table of http_chars.h, built from the RFC's
 * definitions when the program loads, before any thread can read it.
 *
 * Read next: http_chars.h (the classes and the scan), http_parser.c.
 */
#include "http_chars.h"

#include <string.h>

unsigned char http_classes[256];

__attribute__((constructor)) static void build_classes(void)
{
	for (int c = 0; c < 256; c++) {
		bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
		bool tchar = alnum || (c && strchr("!#$%&'*+-.^_`|~", c) != NULL);
		bool field = c == ' ' || c == '\t' || (c >= 0x21 && c != 0x7f);
		http_classes[c] = (unsigned char)((tchar ? HTTP_TCHAR : 0) | (field ? HTTP_FIELD : 0) |
						  (c >= 0x21 && c <= 0x7e ? HTTP_TARGET : 0));
	}
}
