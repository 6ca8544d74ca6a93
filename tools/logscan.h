/*
 * logscan.h: count the requests and distinct clients of one access log.
 *
 * Course idea: the work inside one process-pool task of the log-analysis
 * case (weft_logs.c). Real logs are not the tidy files a generator writes,
 * so this is where the tool meets them:
 *   - rotated logs are gzip-compressed (access.log.2.gz): they are read
 *     through zlib, which also reads plain files unchanged;
 *   - the client is the first field, which may follow leading blanks and
 *     end at a space or a tab; lines may end in "\r\n";
 *   - the client must parse as an IPv4 or IPv6 address (inet_pton), so two
 *     spellings of one IPv6 address count once; a line whose first field
 *     is not an address is malformed: counted, never a request;
 *   - memory per line is bounded: only the first LOGSCAN_FIELD_MAX bytes
 *     of a line are kept (the client field must end within them, or the
 *     line is malformed), and a line longer than LOGSCAN_LINE_MAX bytes is
 *     malformed, so a 1 GB file with no newline costs kilobytes, not GBs;
 *   - a read error (a corrupt or truncated gzip file, a directory, an I/O
 *     error) fails the file; it is never mistaken for an empty file.
 *
 * Read next: logscan.c; weft_logs.c runs one logscan_file() per task.
 */
#ifndef WEFT_LOGSCAN_H
#define WEFT_LOGSCAN_H

#include <stddef.h>
#include <stdint.h>

#define LOGSCAN_FIELD_MAX 256           /* bytes kept of each line */
#define LOGSCAN_LINE_MAX (1024 * 1024)  /* longer lines are malformed */

/* What one file holds; fixed-size, so a task can send it back as bytes. */
struct logscan_counts {
	uint64_t requests;        /* lines whose first field is an address */
	uint64_t unique_ips;      /* distinct addresses among them */
	uint64_t malformed;       /* non-blank lines that are not requests */
	uint64_t first_malformed; /* line number of the first one, 0 if none */
	uint64_t bytes;           /* uncompressed bytes read */
};

/* Called every `every` bytes read with the bytes since the last call (for
 * a progress display); may be NULL. */
struct logscan_progress {
	void (*fn)(uint64_t bytes, void *arg);
	void *arg;
	uint64_t every;
};

/* Count the log at path (plain or gzip). Returns 0 and fills *c, or an
 * errno value with a one-line reason in why[0..why_len). Paths longer than
 * PATH_MAX are opened a few directories at a time (logscan_open). */
int logscan_file(const char *path, struct logscan_counts *c,
		 const struct logscan_progress *progress, char *why, size_t why_len);

/* Count the log already open on fd (closed on return). */
int logscan_fd(int fd, struct logscan_counts *c, const struct logscan_progress *progress,
	       char *why, size_t why_len);

/* open(path, flags) for a path of any length: the kernel refuses paths of
 * PATH_MAX bytes or more, so a long one is walked in pieces with openat().
 * Returns a descriptor (close-on-exec) or -1 with errno set. */
int logscan_open(const char *path, int flags);

/* Parse the client field at the start of line[0..len): skip blanks, read up
 * to the next blank or the end, and convert it with inet_pton. On success
 * stores the family-tagged 17-byte key (family byte, then 16 address bytes,
 * IPv4 zero-padded) and returns 1; returns 0 if the field is not an IPv4 or
 * IPv6 address, and -1 if the line is blank. */
int logscan_parse_client(const char *line, size_t len, unsigned char key[17]);

#endif
