/*
 * logscan_test.c: the log reader's edges, one case each.
 *
 * Course idea: pool_logs_test.sh checks weft-logs against an independent
 * reader on whole directories; this checks the places where a line reader
 * goes wrong, which random logs rarely hit: an address cut off by the end
 * of the kept prefix, a line of exactly LOGSCAN_LINE_MAX bytes and one more,
 * a line across the 64 KiB read boundary, the last line with no newline,
 * CRLF inside a gzip file, progress that adds up to the file's size, and
 * an address spelled two ways. Files live in memfds: no disk, no clean-up.
 *
 * Read next: tools/logscan.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>
#include <cmocka.h>

#include "logscan.h"

/* A descriptor reading back exactly data[0..len). */
static int file_of(const void *data, size_t len)
{
	int fd = memfd_create("log", MFD_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	return fd;
}

static struct logscan_counts scan(const void *data, size_t len)
{
	struct logscan_counts c;
	char why[160] = "";
	int err = logscan_fd(file_of(data, len), &c, NULL, why, sizeof why);
	if (err)
		fail_msg("logscan_fd: %s", why);
	return c;
}

static void test_parse_client(void **state)
{
	(void)state;
	unsigned char a[17], b[17];
	assert_int_equal(logscan_parse_client(" \t2001:db8::1\r", 14, a), 1);
	assert_int_equal(logscan_parse_client("2001:0DB8:0:0::1 -", 18, b), 1);
	assert_memory_equal(a, b, 17); /* one client, two spellings */
	assert_int_equal(logscan_parse_client("1.2.3.4", 7, a), 1);
	assert_int_equal(logscan_parse_client("::ffff:1.2.3.4", 14, b), 1);
	assert_memory_not_equal(a, b, 17); /* different families stay apart */
	assert_int_equal(logscan_parse_client("", 0, a), -1);
	assert_int_equal(logscan_parse_client(" \t\r", 3, a), -1);
	assert_int_equal(logscan_parse_client("300.1.2.3 -", 11, a), 0);
	assert_int_equal(logscan_parse_client("01.2.3.4 -", 10, a), 0);
	assert_int_equal(logscan_parse_client("localhost", 9, a), 0);
	char long_field[100];
	memset(long_field, '1', sizeof long_field);
	assert_int_equal(logscan_parse_client(long_field, sizeof long_field, a), 0);
}

/* The address must end inside the kept prefix: "...1.2.3.4" cut off from
 * "...1.2.3.45" must not count as client 1.2.3.4. */
static void test_address_cut_by_the_prefix_is_malformed(void **state)
{
	(void)state;
	char line[400];
	size_t lead = LOGSCAN_FIELD_MAX - 7; /* "1.2.3.4" fills the prefix */
	memset(line, ' ', lead);
	int n = snprintf(line + lead, sizeof line - lead, "1.2.3.45 - -\n");
	struct logscan_counts c = scan(line, lead + (size_t)n);
	assert_int_equal(c.requests, 0);
	assert_int_equal(c.malformed, 1);
	lead = LOGSCAN_FIELD_MAX - 9; /* "1.2.3.45 " ends inside it: fine */
	memset(line, ' ', lead);
	n = snprintf(line + lead, sizeof line - lead, "1.2.3.45 - -\n");
	c = scan(line, lead + (size_t)n);
	assert_int_equal(c.requests, 1);
	assert_int_equal(c.malformed, 0);
}

static void test_line_length_limit(void **state)
{
	(void)state;
	size_t n = LOGSCAN_LINE_MAX;
	char *buf = malloc(2 * n + 4);
	assert_non_null(buf);
	memset(buf, 'x', 2 * n + 4);
	memcpy(buf, "10.0.0.1 ", 9);
	buf[n] = '\n'; /* a line of exactly LOGSCAN_LINE_MAX bytes: counted */
	memcpy(buf + n + 1, "10.0.0.2 ", 9);
	buf[2 * n + 2] = '\n'; /* LOGSCAN_LINE_MAX + 1 bytes: malformed */
	struct logscan_counts c = scan(buf, 2 * n + 3);
	assert_int_equal(c.requests, 1);
	assert_int_equal(c.malformed, 1);
	assert_int_equal(c.first_malformed, 2);
	free(buf);
}

/* Lines that straddle the 64 KiB read boundary, and a last line with no
 * newline; progress reports add up to the file's size. */
static uint64_t reported;
static void count_bytes(uint64_t n, void *arg) { (void)arg; reported += n; }

static void test_lines_across_reads_and_no_final_newline(void **state)
{
	(void)state;
	size_t cap = 200000, len = 0;
	char *buf = malloc(cap);
	assert_non_null(buf);
	int lines = 0;
	while (len < 150000) {
		len += (size_t)snprintf(buf + len, cap - len, "10.%d.%d.1 - - \"GET /\"\n",
					lines % 200, lines / 200);
		lines++;
	}
	len += (size_t)snprintf(buf + len, cap - len, "2001:db8::7 no newline");
	struct logscan_counts c;
	struct logscan_progress p = { count_bytes, NULL, 4096 };
	char why[160];
	reported = 0;
	assert_int_equal(logscan_fd(file_of(buf, len), &c, &p, why, sizeof why), 0);
	assert_int_equal(c.requests, lines + 1);
	assert_int_equal(c.unique_ips, lines + 1);
	assert_int_equal(c.malformed, 0);
	assert_int_equal(c.bytes, len);
	assert_int_equal(reported, len);
	free(buf);
}

static void test_gzip_with_crlf(void **state)
{
	(void)state;
	const char text[] = "192.0.2.1 - -\r\n\r\n192.0.2.1\t-\r\njunk -\r\n[::1] -\r\n";
	unsigned char gz[256];
	z_stream z = { 0 };
	assert_int_equal(deflateInit2(&z, 9, Z_DEFLATED, 16 + 15, 8, Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (unsigned char *)text;
	z.avail_in = sizeof text - 1;
	z.next_out = gz;
	z.avail_out = sizeof gz;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	size_t gz_len = sizeof gz - z.avail_out;
	deflateEnd(&z);
	struct logscan_counts c = scan(gz, gz_len);
	assert_int_equal(c.requests, 2);
	assert_int_equal(c.unique_ips, 1);
	assert_int_equal(c.malformed, 2);
	assert_int_equal(c.first_malformed, 4);
	assert_int_equal(c.bytes, sizeof text - 1);

	char why[160];
	assert_int_equal(logscan_fd(file_of(gz, gz_len - 12), &c, NULL, why, sizeof why) != 0, 1);
	assert_non_null(strstr(why, "truncated"));
}

static void test_empty_and_missing(void **state)
{
	(void)state;
	struct logscan_counts c = scan("", 0);
	assert_int_equal(c.requests + c.unique_ips + c.malformed + c.bytes, 0);
	char why[160];
	assert_int_equal(logscan_file("/nonexistent/x.log", &c, NULL, why, sizeof why), ENOENT);
	assert_non_null(strstr(why, "No such file"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_client),
		cmocka_unit_test(test_address_cut_by_the_prefix_is_malformed),
		cmocka_unit_test(test_line_length_limit),
		cmocka_unit_test(test_lines_across_reads_and_no_final_newline),
		cmocka_unit_test(test_gzip_with_crlf),
		cmocka_unit_test(test_empty_and_missing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
