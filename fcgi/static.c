/*
 * Static files served by the application itself (nitro_app_static), for
 * CGI mode and for a site whose nginx has no location for them.  nginx's
 * location (deploy/nginx, `nitro serve --static`) answers the same way:
 * the same ETag (nginx's: mtime and size in hex), the same Cache-Control
 * rule (NITRO_STATIC_HASHED_RE), the same refusals.
 *
 * What a request may name is decided before the file system is asked:
 * the path after the prefix is percent-decoded strictly (no NUL, no
 * encoded '/' or '\'), and every segment must be non-empty and must not
 * start with a dot (so no ".", "..", dot files or dot directories, no
 * absolute path).  Then the file is opened below the directory's
 * descriptor without following any symbolic link (openat2 with
 * RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS, or one openat(O_NOFOLLOW) per
 * segment where openat2 is missing), non-blocking so that a FIFO cannot
 * hold a thread, and served only when it is a regular file within the
 * size limit.  Anything else is 404.
 */
#include <errno.h>
#include <fcntl.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <linux/openat2.h>
#endif

#include "fcgi/internal.h"
#include "fcgi/static.h"

/* What nitro_static_opts' zero fields mean. */
#define STATIC_MAX_BYTES (8u << 20)

/* Content types by file name extension; anything else is
 * application/octet-stream.  nginx's `types` in deploy/nginx/serve.conf.in
 * lists the same (tests/integration/test_static.sh compares them). */
static const struct {
	const char *ext, *type;
} types[] = {
	{"html", "text/html; charset=utf-8"},
	{"htm", "text/html; charset=utf-8"},
	{"css", "text/css; charset=utf-8"},
	{"js", "text/javascript; charset=utf-8"},
	{"mjs", "text/javascript; charset=utf-8"},
	{"json", "application/json"},
	{"map", "application/json"},
	{"txt", "text/plain; charset=utf-8"},
	{"xml", "application/xml"},
	{"svg", "image/svg+xml"},
	{"png", "image/png"},
	{"jpg", "image/jpeg"},
	{"jpeg", "image/jpeg"},
	{"gif", "image/gif"},
	{"webp", "image/webp"},
	{"avif", "image/avif"},
	{"ico", "image/x-icon"},
	{"woff", "font/woff"},
	{"woff2", "font/woff2"},
	{"ttf", "font/ttf"},
	{"otf", "font/otf"},
	{"wasm", "application/wasm"},
	{"pdf", "application/pdf"},
	{"mp4", "video/mp4"},
	{"webm", "video/webm"},
	{"mp3", "audio/mpeg"},
	{"ogg", "audio/ogg"},
};

struct nitro_static {
	int dirfd;		/* O_PATH: the directory, or the one file's directory */
	char *file;		/* one file's name in it; NULL: a directory */
	size_t prefix_len;	/* bytes of the URL prefix before the file's path */
	size_t max_bytes;
	regex_t hashed;
};

const char *nitro__static_type(const char *name)
{
	const char *dot = strrchr(name, '.');

	if (dot != NULL && strchr(dot, '/') == NULL)
		for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
			if (strcasecmp(dot + 1, types[i].ext) == 0)
				return types[i].type;
	return "application/octet-stream";
}

static int hexval(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
	    c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

int nitro__static_rel(const char *raw, size_t n, char *out, size_t cap)
{
	size_t o = 0, seg = 0;

	if (n == 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int c = (unsigned char)raw[i];

		if (c == '%') {
			int hi, lo;

			if (i + 2 >= n)
				return -1;
			if ((hi = hexval(raw[i + 1])) < 0 || (lo = hexval(raw[i + 2])) < 0)
				return -1;
			c = hi * 16 + lo;
			i += 2;
			/* An encoded separator would hide a segment from
			 * the checks below. */
			if (c == '/' || c == '\\')
				return -1;
		} else if (c == '/') {
			/* Empty segments ("//", a leading "/") and dot
			 * segments are refused. */
			if (o == seg || out[seg] == '.')
				return -1;
			if (o + 1 >= cap)
				return -1;
			out[o++] = '/';
			seg = o;
			continue;
		}
		if (c < 0x20 || c == 0x7f || c == '\\')
			return -1;
		if (o + 1 >= cap)
			return -1;
		out[o++] = (char)c;
	}
	if (o == seg || out[seg] == '.')
		return -1;
	out[o] = '\0';
	return (int)o;
}

/* Open rel below dirfd, following no symbolic link, non-blocking (a FIFO
 * must not wait for a writer).  -1 with errno. */
static int open_beneath(int dirfd, const char *rel)
{
	int flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
#ifdef SYS_openat2
	struct open_how how = {
		.flags = (uint64_t)flags,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	long fd = syscall(SYS_openat2, dirfd, rel, &how, sizeof how);

	if (fd >= 0 || (errno != ENOSYS && errno != EPERM))
		return (int)fd;
#endif
	/* Without openat2 (an old kernel, or a seccomp filter that does not
	 * know it): one segment at a time, none of them a link. */
	char seg[NITRO_STATIC_PATH_MAX];
	int cur = dirfd;

	for (;;) {
		size_t n = strcspn(rel, "/");
		int next, save;

		memcpy(seg, rel, n);
		seg[n] = '\0';
		next = rel[n] == '/' ?
		    openat(cur, seg, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) :
		    openat(cur, seg, flags | O_NOFOLLOW);
		save = errno;
		if (cur != dirfd)
			close(cur);
		errno = save;
		if (next < 0 || rel[n] != '/')
			return next;
		cur = next;
		rel += n + 1;
	}
}

/* An HTTP date (IMF-fixdate), in the C locale's names whatever the
 * process's locale. */
static void http_date(time_t t, char out[32])
{
	static const char days[][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char months[][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	struct tm tm;

	gmtime_r(&t, &tm);
	snprintf(out, 32, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[tm.tm_wday % 7],
	    tm.tm_mday, months[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour,
	    tm.tm_min, tm.tm_sec);
}

/* An If-Modified-Since date: -1 when it is not an IMF-fixdate. */
static time_t parse_http_date(const char *s)
{
	struct tm tm;
	const char *end;

	if (strlen(s) != 29)
		return -1;
	memset(&tm, 0, sizeof tm);
	end = strptime(s, "%a, %d %b %Y %H:%M:%S GMT", &tm);
	if (end == NULL || *end != '\0')
		return -1;
	return timegm(&tm);
}

/* If-None-Match holds etag (or "*"): weak comparison, as for GET. */
static int etag_matches(const char *header, const char *etag)
{
	size_t elen = strlen(etag);
	const char *p = header;

	while (*p != '\0') {
		size_t n;

		p += strspn(p, " \t,");
		if (*p == '*')
			return 1;
		if (strncmp(p, "W/", 2) == 0)
			p += 2;
		n = strcspn(p, ",");
		while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		if (n == elen && memcmp(p, etag, n) == 0)
			return 1;
		p += strcspn(p, ",");
	}
	return 0;
}

static int not_found(nitro_req *req)
{
	return nitro_resp_error(req, 404, "not found");
}

/* Read the whole file (st.st_size bytes) into the response body. */
static int read_all(nitro_req *req, int fd, size_t size)
{
	nitro_buf *b = nitro_resp_body(req);
	size_t got = 0;

	if (nitro_buf_grow(b, size + 1) != 0)
		return b->err;
	while (got < size) {
		ssize_t r = pread(fd, b->data + b->len + got, size - got, (off_t)got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return nitro_error(NITRO_EIO, "static file: short read");
		got += (size_t)r;
	}
	b->len += got;
	b->data[b->len] = '\0';
	return 0;
}

static int serve(nitro_req *req, void *udata)
{
	struct nitro_static *st = udata;
	char relbuf[NITRO_STATIC_PATH_MAX], etag[64], date[32];
	const char *path = nitro_req_path(req), *rel, *name, *h;
	struct stat sb;
	int fd, rc;

	if (st->file != NULL) {
		rel = st->file;
	} else {
		size_t n = strlen(path);

		if (n <= st->prefix_len ||
		    nitro__static_rel(path + st->prefix_len, n - st->prefix_len, relbuf,
		    sizeof relbuf) < 0)
			return not_found(req);
		rel = relbuf;
	}
	if ((fd = open_beneath(st->dirfd, rel)) < 0)
		return not_found(req);
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return not_found(req);
	}
	if ((uint64_t)sb.st_size > st->max_bytes) {
		close(fd);
		nitro_log(NITRO_LOG_WARN, "static file over the size limit; serve it "
		    "from nginx", "path", path, NULL);
		return not_found(req);
	}
	name = strrchr(rel, '/');
	name = name ? name + 1 : rel;
	/* nginx's ETag, so that either server validates the other's. */
	snprintf(etag, sizeof etag, "\"%llx-%llx\"", (unsigned long long)sb.st_mtime,
	    (unsigned long long)sb.st_size);
	http_date(sb.st_mtime, date);
	rc = nitro_resp_header(req, "ETag", etag);
	if (rc == 0)
		rc = nitro_resp_header(req, "Last-Modified", date);
	if (rc == 0)
		rc = nitro_resp_header(req, "Cache-Control",
		    regexec(&st->hashed, name, 0, NULL, 0) == 0 ?
		    NITRO_STATIC_CACHE_HASHED : NITRO_STATIC_CACHE_OTHER);
	if (rc == 0)
		rc = nitro_resp_header(req, "X-Content-Type-Options", "nosniff");
	if (rc != 0) {
		close(fd);
		return rc;
	}
	/* If-None-Match decides when present; If-Modified-Since only
	 * without it (RFC 9110, 13.2.2). */
	if ((h = nitro_req_header(req, "If-None-Match")) != NULL ?
	    etag_matches(h, etag) :
	    (h = nitro_req_header(req, "If-Modified-Since")) != NULL &&
	    parse_http_date(h) >= sb.st_mtime) {
		close(fd);
		nitro_resp_status(req, 304);
		return 0;
	}
	nitro_resp_status(req, 200);
	rc = nitro_resp_header(req, "Content-Type", nitro__static_type(name));
	if (rc == 0)
		rc = read_all(req, fd, (size_t)sb.st_size);
	close(fd);
	return rc;
}

static void static_free(void *p)
{
	struct nitro_static *st = p;

	close(st->dirfd);
	free(st->file);
	regfree(&st->hashed);
	free(st);
}

int nitro_app_static(nitro_app *app, const char *prefix, const char *path,
    const struct nitro_static_opts *o)
{
	struct nitro_static *st;
	struct stat sb;
	char pattern[NITRO_STATIC_PATH_MAX + 16];
	size_t plen = prefix ? strlen(prefix) : 0;
	int rc, is_dir;

	if (plen == 0 || prefix[0] != '/' || plen > NITRO_STATIC_PATH_MAX ||
	    strpbrk(prefix, "{}") != NULL || path == NULL || *path == '\0')
		return nitro_error(NITRO_EINVAL, "static: a prefix starting with / and a "
		    "path are needed");
	if (stat(path, &sb) != 0)
		return nitro_error(NITRO_EIO, "static: %s: %s", path, strerror(errno));
	is_dir = S_ISDIR(sb.st_mode);
	if (!is_dir && !S_ISREG(sb.st_mode))
		return nitro_error(NITRO_EINVAL, "static: %s is neither a directory nor "
		    "a regular file", path);
	if (is_dir && prefix[plen - 1] != '/')
		return nitro_error(NITRO_EINVAL, "static: the prefix of a directory ends "
		    "with / (%s)", prefix);
	if (!is_dir && prefix[plen - 1] == '/')
		return nitro_error(NITRO_EINVAL, "static: the path of one file does not "
		    "end with / (%s)", prefix);
	if ((st = calloc(1, sizeof *st)) == NULL)
		return nitro__oom(NULL);
	st->prefix_len = plen;
	st->max_bytes = o && o->max_bytes ? o->max_bytes : STATIC_MAX_BYTES;
	if (regcomp(&st->hashed, NITRO_STATIC_HASHED_RE, REG_EXTENDED | REG_NOSUB) != 0) {
		free(st);
		return nitro_error(NITRO_EINTERNAL, "static: the hashed-name pattern");
	}
	if (is_dir) {
		st->dirfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	} else {
		/* One file: its directory, and its name served at prefix. */
		const char *slash = strrchr(path, '/');
		char *dir = slash == NULL ? strdup(".") :
		    strndup(path, slash == path ? 1 : (size_t)(slash - path));

		st->file = strdup(slash ? slash + 1 : path);
		st->dirfd = dir == NULL ? -1 : open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
		free(dir);
		if (st->file == NULL) {
			rc = nitro__oom(NULL);
			goto fail;
		}
		if (st->file[0] == '.') {
			rc = nitro_error(NITRO_EINVAL, "static: %s is a dot file", path);
			goto fail;
		}
	}
	if (st->dirfd < 0) {
		rc = nitro_error(NITRO_EIO, "static: %s: %s", path, strerror(errno));
		goto fail;
	}
	snprintf(pattern, sizeof pattern, "GET %s%s", prefix, is_dir ? "{path...}" : "");
	if ((rc = nitro_route(app, pattern, serve, st)) != 0)
		goto fail;
	if ((rc = nitro__app_own(app, static_free, st)) != 0)
		return rc;	/* the route holds st; freed with nothing else */
	return 0;
fail:
	static_free(st);
	return rc;
}
