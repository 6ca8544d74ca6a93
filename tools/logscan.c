/*
 * logscan.c: count the requests and distinct clients of one access log.
 *
 * Course idea: see logscan.h. The file is read in 64 KiB chunks through
 * zlib's gzread() (which passes plain files through unchanged); each line is
 * cut out of the chunks by a small state machine that keeps only its first
 * LOGSCAN_FIELD_MAX bytes and its length, so memory does not grow with the
 * line. The distinct clients go into a set of fixed-size binary keys, so
 * "2001:db8::1" and "2001:0db8:0:0::1" are one client.
 *
 * Read next: weft_logs.c (the pool around it), tests/host/pool_logs_test.sh.
 */
#include "logscan.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#define CHUNK (64 * 1024)
#define KEY_LEN 17

/* ---- a set of 17-byte keys: open addressing, at most half full ---- */

/* Invariant: cap is 0 or a power of two, and 2 * count <= cap. An empty
 * slot has family byte 0 (no address family is 0). */
struct ip_set {
	unsigned char (*slot)[KEY_LEN];
	size_t cap, count;
};

static size_t key_hash(const unsigned char *k)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */
	for (int i = 0; i < KEY_LEN; i++)
		h = (h ^ k[i]) * 1099511628211ULL;
	return (size_t)h;
}

static void place(struct ip_set *s, const unsigned char *k)
{
	size_t i = key_hash(k) & (s->cap - 1);
	while (s->slot[i][0])
		i = (i + 1) & (s->cap - 1);
	memcpy(s->slot[i], k, KEY_LEN);
	s->count++;
}

static int ip_set_add(struct ip_set *s, const unsigned char *k)
{
	if (2 * (s->count + 1) > s->cap) {
		struct ip_set big = { calloc(s->cap ? 2 * s->cap : 1024, KEY_LEN),
				      s->cap ? 2 * s->cap : 1024, 0 };
		if (!big.slot)
			return ENOMEM;
		for (size_t i = 0; i < s->cap; i++)
			if (s->slot[i][0])
				place(&big, s->slot[i]);
		free(s->slot);
		*s = big;
	}
	size_t i = key_hash(k) & (s->cap - 1);
	for (; s->slot[i][0]; i = (i + 1) & (s->cap - 1))
		if (memcmp(s->slot[i], k, KEY_LEN) == 0)
			return 0;
	place(s, k);
	return 0;
}

/* ---- one line's first field ---- */

static bool blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

int logscan_parse_client(const char *line, size_t len, unsigned char key[KEY_LEN])
{
	size_t i = 0;
	while (i < len && blank(line[i]))
		i++;
	if (i == len)
		return -1;
	size_t start = i;
	while (i < len && !blank(line[i]))
		i++;
	char field[INET6_ADDRSTRLEN];
	if (i - start >= sizeof field)
		return 0;
	memcpy(field, line + start, i - start);
	field[i - start] = '\0';
	memset(key, 0, KEY_LEN);
	if (inet_pton(AF_INET, field, key + 1) == 1)
		key[0] = AF_INET;
	else if (inet_pton(AF_INET6, field, key + 1) == 1)
		key[0] = AF_INET6;
	else
		return 0;
	return 1;
}

/* ---- the line cutter: a line's kept prefix and its full length ---- */

struct scan {
	char field[LOGSCAN_FIELD_MAX];
	size_t kept;          /* bytes of the current line in field[] */
	uint64_t line_len;    /* bytes of the current line so far */
	uint64_t line_no;
	struct ip_set ips;
	struct logscan_counts *c;
};

static void malformed(struct scan *s)
{
	if (s->c->malformed++ == 0)
		s->c->first_malformed = s->line_no;
}

/* Does the kept prefix hold the whole first field, blank-terminated? If
 * the field runs to the end of a prefix that was cut, its end is unseen:
 * "1.2.3.4" may be the start of "1.2.3.45". */
static bool field_complete(const char *p, size_t n)
{
	size_t i = 0;
	while (i < n && blank(p[i]))
		i++;
	while (i < n && !blank(p[i]))
		i++;
	return i < n;
}

/* The current line has ended (at a newline or at the end of the file). */
static int end_line(struct scan *s)
{
	unsigned char key[KEY_LEN];
	s->line_no++;
	int r = logscan_parse_client(s->field, s->kept, key);
	bool cut = s->line_len > s->kept; /* we saw only a prefix of it */
	int err = 0;
	if (s->line_len > LOGSCAN_LINE_MAX || r == 0 ||
	    (cut && !field_complete(s->field, s->kept)))
		malformed(s);
	else if (r > 0) {
		s->c->requests++;
		err = ip_set_add(&s->ips, key);
	}
	s->kept = 0;
	s->line_len = 0;
	return err;
}

/* Feed n bytes of the file to the cutter. */
static int feed(struct scan *s, const char *p, size_t n)
{
	while (n > 0) {
		const char *nl = memchr(p, '\n', n);
		size_t part = nl ? (size_t)(nl - p) : n;
		size_t room = sizeof s->field - s->kept;
		size_t keep = part < room ? part : room;
		memcpy(s->field + s->kept, p, keep);
		s->kept += keep;
		s->line_len += part;
		if (!nl)
			return 0;
		int err = end_line(s);
		if (err)
			return err;
		p += part + 1;
		n -= part + 1;
	}
	return 0;
}

/* ---- the file ---- */

/* Why the last read failed, as errno and a sentence. */
static int read_error(gzFile gz, char *why, size_t why_len)
{
	int zerr;
	const char *msg = gzerror(gz, &zerr);
	int err = zerr == Z_ERRNO ? errno : EIO;
	if (zerr == Z_ERRNO)
		msg = strerror(err);
	else if (zerr == Z_BUF_ERROR)
		msg = "truncated gzip data (unexpected end of file)";
	else if (strncmp(msg, "<fd:", 4) == 0 && strstr(msg, ": ")) /* zlib's name for us */
		msg = strstr(msg, ": ") + 2;
	snprintf(why, why_len, "read error: %s", msg);
	return err ? err : EIO;
}

int logscan_fd(int fd, struct logscan_counts *c, const struct logscan_progress *progress,
	       char *why, size_t why_len)
{
	memset(c, 0, sizeof *c);
	gzFile gz = gzdopen(fd, "rb");
	char *buf = malloc(CHUNK);
	struct scan *s = calloc(1, sizeof *s);
	if (!gz || !buf || !s) {
		if (gz)
			gzclose_r(gz);
		else
			close(fd);
		free(buf);
		free(s);
		snprintf(why, why_len, "out of memory");
		return ENOMEM;
	}
	s->c = c;
	int err = 0, n, zerr;
	uint64_t unreported = 0;
	while (!err && (n = gzread(gz, buf, CHUNK)) > 0) {
		c->bytes += (uint64_t)n;
		err = feed(s, buf, (size_t)n);
		unreported += (uint64_t)n;
		if (progress && progress->fn && unreported >= progress->every) {
			progress->fn(unreported, progress->arg);
			unreported = 0;
		}
	}
	if (err)
		snprintf(why, why_len, "out of memory");
	else if (n < 0 || (gzerror(gz, &zerr), zerr != Z_OK))
		err = read_error(gz, why, why_len);
	else if (s->line_len > 0) /* a last line with no newline */
		err = end_line(s);
	if (progress && progress->fn && unreported)
		progress->fn(unreported, progress->arg);
	if (gzclose_r(gz) != Z_OK && !err) {
		snprintf(why, why_len, "read error: truncated gzip data");
		err = EIO;
	}
	c->unique_ips = s->ips.count;
	free(s->ips.slot);
	free(s);
	free(buf);
	return err;
}

int logscan_open(const char *path, int flags)
{
	int dir = AT_FDCWD;
	const char *rest = path;
	while (strlen(rest) >= PATH_MAX) { /* open the longest prefix that fits */
		const char *cut = rest + PATH_MAX - 1;
		while (cut > rest && *cut != '/')
			cut--;
		if (cut == rest) { /* one name longer than PATH_MAX */
			if (dir != AT_FDCWD)
				close(dir);
			errno = ENAMETOOLONG;
			return -1;
		}
		char *piece = strndup(rest, (size_t)(cut - rest));
		int next = piece ? openat(dir, piece, O_PATH | O_DIRECTORY | O_CLOEXEC) : -1;
		int saved = errno;
		free(piece);
		if (dir != AT_FDCWD)
			close(dir);
		if (next < 0) {
			errno = saved;
			return -1;
		}
		dir = next;
		rest = cut + 1;
	}
	int fd = openat(dir, rest, flags | O_CLOEXEC);
	int saved = errno;
	if (dir != AT_FDCWD)
		close(dir);
	errno = saved;
	return fd;
}

int logscan_file(const char *path, struct logscan_counts *c,
		 const struct logscan_progress *progress, char *why, size_t why_len)
{
	int fd = logscan_open(path, O_RDONLY);
	if (fd < 0) {
		int err = errno;
		snprintf(why, why_len, "cannot open: %s", strerror(err));
		return err;
	}
	return logscan_fd(fd, c, progress, why, why_len);
}
