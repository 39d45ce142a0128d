/*
 * logfmt logging to stderr.  A line is assembled in a stack buffer and
 * written with a single write(2) so that concurrent writers never
 * interleave within a line.
 */
#include <stdarg.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "nitro/core.h"
#include "core/log.h"
#include "core/utf8.h"

static atomic_int log_level = -1;

static int level_from_env(void)
{
	const char *s = getenv("NITRO_LOG_LEVEL");

	if (s == NULL || *s == '\0')
		return NITRO_LOG_INFO;
	if (strcasecmp(s, "debug") == 0) return NITRO_LOG_DEBUG;
	if (strcasecmp(s, "warn") == 0) return NITRO_LOG_WARN;
	if (strcasecmp(s, "error") == 0) return NITRO_LOG_ERROR;
	if (strcasecmp(s, "off") == 0) return NITRO_LOG_OFF;
	return NITRO_LOG_INFO;
}

int nitro_log_level(void)
{
	int l = atomic_load_explicit(&log_level, memory_order_relaxed);

	if (l < 0) {
		l = level_from_env();
		atomic_store(&log_level, l);
	}
	return l;
}

void nitro_log_set_level(int level)
{
	if (level < NITRO_LOG_DEBUG)
		level = NITRO_LOG_DEBUG;
	if (level > NITRO_LOG_OFF)
		level = NITRO_LOG_OFF;
	atomic_store(&log_level, level);
}

static const char *level_name(int level)
{
	switch (level) {
	case NITRO_LOG_DEBUG: return "debug";
	case NITRO_LOG_WARN: return "warn";
	case NITRO_LOG_ERROR: return "error";
	default: return "info";
	}
}

/* A value needs quotes when it is empty or holds space, '=', '"' or a
 * control byte; inside quotes '"' and '\' are escaped and control bytes
 * written as \n, \t or \xHH so that a line stays one line. */
static int needs_quotes(const char *v, size_t n)
{
	if (n == 0)
		return 1;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];

		if (c <= ' ' || c == '=' || c == '"' || c == '\\' || c == 0x7f)
			return 1;
	}
	return 0;
}

/* The value v[0..n), quoted when it needs to be or when cut (then "..."
 * ends it inside the quotes). */
static void put_value(nitro_buf *line, const char *v, size_t n, int cut)
{
	static const char hex[] = "0123456789abcdef";

	if (!cut && !needs_quotes(v, n)) {
		nitro_buf_append(line, v, n);
		return;
	}
	nitro_buf_putc(line, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];

		if (c == '"' || c == '\\') {
			char esc[2] = {'\\', (char)c};
			nitro_buf_append(line, esc, 2);
		} else if (c == '\n') {
			nitro_buf_append(line, "\\n", 2);
		} else if (c == '\t') {
			nitro_buf_append(line, "\\t", 2);
		} else if (c < ' ' || c == 0x7f) {
			char esc[4] = {'\\', 'x', hex[c >> 4], hex[c & 15]};
			nitro_buf_append(line, esc, 4);
		} else {
			nitro_buf_putc(line, (char)c);
		}
	}
	if (cut)
		nitro_buf_append(line, "...", 3);
	nitro_buf_putc(line, '"');
}

void nitro__log_kv_max(nitro_buf *line, const char *key, const char *v, size_t n,
    size_t max)
{
	size_t keep = v != NULL ? nitro__utf8_cut(v, n, max) : 0;

	nitro_buf_putc(line, ' ');
	nitro_buf_puts(line, key);
	nitro_buf_putc(line, '=');
	if (v == NULL) {
		nitro_buf_puts(line, "\"\"");
		return;
	}
	put_value(line, v, keep, keep < n);
	/* A cut value says how long it was. */
	if (keep < n)
		nitro_buf_printf(line, " %s_bytes=%zu", key, n);
}

void nitro_log_kv(nitro_buf *line, const char *key, const char *v, size_t n)
{
	nitro__log_kv_max(line, key, v, n, NITRO__LOG_VALUE_MAX);
}

/*
 * "ts=2026-11-21T10:00:00.123Z level=info".  The date and time change once
 * a second, so each thread keeps them formatted and only the milliseconds
 * are written per line (gmtime_r and strftime cost more than the rest of
 * an access log line).
 */
void nitro_log_begin(nitro_buf *line, int level, const char *msg)
{
	static _Thread_local time_t cached_sec = -1;
	static _Thread_local char stamp[32];
	static _Thread_local size_t stamp_len;
	struct timespec ts;
	char ms[5];
	long m;

	clock_gettime(CLOCK_REALTIME, &ts);
	if (ts.tv_sec != cached_sec) {
		struct tm tm;

		gmtime_r(&ts.tv_sec, &tm);
		stamp_len = strftime(stamp, sizeof stamp, "ts=%Y-%m-%dT%H:%M:%S", &tm);
		cached_sec = ts.tv_sec;
	}
	m = ts.tv_nsec / 1000000L;
	ms[0] = '.';
	ms[1] = (char)('0' + m / 100);
	ms[2] = (char)('0' + m / 10 % 10);
	ms[3] = (char)('0' + m % 10);
	ms[4] = 'Z';
	nitro_buf_append(line, stamp, stamp_len);
	nitro_buf_append(line, ms, sizeof ms);
	nitro_buf_puts(line, " level=");
	nitro_buf_puts(line, level_name(level));
	nitro_log_kv(line, "msg", msg, strlen(msg));
}

void nitro_log_end(nitro_buf *line)
{
	ssize_t w;
	size_t off = 0;

	nitro_buf_putc(line, '\n');
	if (line->err)
		return;
	while (off < line->len) {
		w = write(STDERR_FILENO, line->data + off, line->len - off);
		if (w <= 0)
			break;	/* logging never fails the caller */
		off += (size_t)w;
	}
}

void nitro_log(int level, const char *msg, ...)
{
	char mem[2048];
	nitro_buf line;
	const char *k, *v;
	va_list ap;

	if (level < nitro_log_level() || level >= NITRO_LOG_OFF)
		return;
	nitro_buf_init_on(&line, mem, sizeof mem, 0);
	nitro_log_begin(&line, level, msg);
	va_start(ap, msg);
	while ((k = va_arg(ap, const char *)) != NULL) {
		v = va_arg(ap, const char *);
		nitro_log_kv(&line, k, v, v ? strlen(v) : 0);
	}
	va_end(ap);
	nitro_log_end(&line);
	nitro_buf_free(&line);
}
