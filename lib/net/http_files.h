/*
 * http_files.h: map a request target to a file under the served directory.
 *
 * Course idea: the static-file half of a web server, where most of its
 * security bugs live. The target's path is percent-decoded once, then
 * refused if it holds NUL, a backslash or a "." or ".." segment (so
 * "/%2e%2e/etc/passwd" fails exactly like "/../etc/passwd"); the file is then
 * opened with openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS), so the kernel
 * itself refuses any path that leaves the root or crosses a symlink, whatever
 * the string looked like.
 *
 * Read next: http_session.c (what is sent), http_files.c.
 */
#ifndef WEFT_HTTP_FILES_H
#define WEFT_HTTP_FILES_H

#include <stdbool.h>
#include <sys/stat.h>

/* Open the file for `target` under root_fd: 0 with *fd, *st and *type (its
 * Content-Type, from the resolved name: "/" is index.html) filled, or the
 * HTTP status to answer (400, 403, 404, 503 when out of descriptors). */
int http_open_file(int root_fd, const char *target, int *fd, struct stat *st, const char **type);

/* The Content-Type for a path, from its extension. */
const char *http_content_type(const char *path);

/* Format t as an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"), 29 chars. */
void http_format_date(char out[32], time_t t);

/* True when `ims` is a valid IMF-fixdate not older than mtime (answer 304). */
bool http_not_modified(const char *ims, time_t mtime);

#endif
