/*
 * http_files.c: safe path resolution, content types and HTTP dates.
 *
 * Course idea: defence in depth for a file server (see http_files.h): a
 * string check that gives clear 400s, and a kernel-enforced one
 * (openat2's RESOLVE_BENEATH) that holds even if the string check is wrong.
 *
 * Read next: http_session.c.
 */
#include "http_files.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define PATH_MAX_BYTES 1024

static int hexval(char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

/* Decode the path of target (up to '?' or '#') into out, relative to the
 * root (no leading '/'), "index.html" for a directory. 0 or a status. */
static int decode_path(const char *target, char *out, size_t cap)
{
	if (target[0] != '/')
		return 400; /* origin-form only (RFC 9112 3.2.1) */
	size_t n = 0;
	for (const char *s = target + 1; *s && *s != '?' && *s != '#'; s++) {
		char c = *s;
		if (c == '%') {
			int hi = hexval(s[1]), lo = hi < 0 ? -1 : hexval(s[2]);
			if (lo < 0)
				return 400;
			c = (char)(hi * 16 + lo);
			s += 2;
		}
		if (c == '\0' || c == '\\')
			return 400;
		if (n + 1 >= cap)
			return 414;
		out[n++] = c;
	}
	out[n] = '\0';
	/* No "." or ".." segment, and no empty one ("//"). */
	for (const char *seg = out; *seg; ) {
		const char *end = strchr(seg, '/');
		size_t len = end ? (size_t)(end - seg) : strlen(seg);
		if ((len == 1 && seg[0] == '.') || (len == 2 && seg[0] == '.' && seg[1] == '.') ||
		    (len == 0 && end))
			return 400;
		seg += len + (end ? 1 : 0);
	}
	if (n == 0 || out[n - 1] == '/') {
		if (n + sizeof "index.html" > cap)
			return 414;
		memcpy(out + n, "index.html", sizeof "index.html");
	}
	return 0;
}

int http_open_file(int root_fd, const char *target, int *fd, struct stat *st, const char **type)
{
	char path[PATH_MAX_BYTES];
	int status = decode_path(target, path, sizeof path);
	if (status)
		return status;
	struct open_how how = {
		.flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	int f = (int)syscall(SYS_openat2, root_fd, path, &how, sizeof how);
	if (f < 0) {
		switch (errno) {
		case ENOENT: case ENOTDIR: case ENAMETOOLONG: return 404;
		case EMFILE: case ENFILE: case ENOMEM: return 503;
		default: return 403; /* ELOOP, EXDEV (escape), EACCES */
		}
	}
	if (fstat(f, st) < 0 || !S_ISREG(st->st_mode)) {
		bool dir = S_ISDIR(st->st_mode);
		close(f);
		return dir ? 404 : 403;
	}
	*fd = f;
	*type = http_content_type(path);
	return 0;
}

const char *http_content_type(const char *path)
{
	static const char *const map[][2] = {
		{ "html", "text/html; charset=utf-8" }, { "htm", "text/html; charset=utf-8" },
		{ "txt", "text/plain; charset=utf-8" }, { "css", "text/css" },
		{ "js", "text/javascript" }, { "json", "application/json" },
		{ "png", "image/png" }, { "jpg", "image/jpeg" }, { "jpeg", "image/jpeg" },
		{ "gif", "image/gif" }, { "svg", "image/svg+xml" }, { "ico", "image/x-icon" },
		{ "pdf", "application/pdf" }, { "wasm", "application/wasm" },
		{ "xml", "application/xml" }, { "gz", "application/gzip" },
	};
	const char *slash = strrchr(path, '/');
	const char *dot = strrchr(slash ? slash : path, '.');
	if (dot) {
		size_t len = strcspn(dot + 1, "?#");
		for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
			if (strlen(map[i][0]) == len && strncasecmp(dot + 1, map[i][0], len) == 0)
				return map[i][1];
	}
	return "application/octet-stream";
}

void http_format_date(char out[32], time_t t)
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 32, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

bool http_not_modified(const char *ims, time_t mtime)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	const char *end = ims[0] ? strptime(ims, "%a, %d %b %Y %H:%M:%S GMT", &tm) : NULL;
	if (!end || *end)
		return false; /* not an IMF-fixdate: ignored (RFC 9110 13.1.3) */
	return mtime <= timegm(&tm);
}
