/*
 * Configuration from the environment and a .env file.
 *
 * The file is read once at start-up into a private table (never setenv(),
 * which races with getenv() in other threads).  Getters look in the
 * environment first, then the table.  A malformed value is not fatal in the
 * getter, which returns the default, but it is remembered, and
 * nitro_config_check() turns it into one start-up error that names the
 * variable, so that a typo cannot silently run with a default.
 */
#include <errno.h>
#include <stdarg.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "nitro/core.h"
#include "core/error.h"
#include "core/config_parse.h"

#define FILE_MAX	(1 << 20)
#define ENTRIES_MAX	1024
#define PROBLEMS_MAX	32

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct entry {
	char *key, *value;
} entries[ENTRIES_MAX];
static size_t nentries;
static char problems[PROBLEMS_MAX][200];
static size_t nproblems;

static void problem(const char *fmt, ...) NITRO_PRINTF(1, 2);

static void problem(const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&mu);
	if (nproblems < PROBLEMS_MAX) {
		va_start(ap, fmt);
		vsnprintf(problems[nproblems++], sizeof problems[0], fmt, ap);
		va_end(ap);
	}
	pthread_mutex_unlock(&mu);
}

static int set(const char *key, size_t klen, const char *value, size_t vlen)
{
	char *k, *v;
	size_t i;

	if ((k = strndup(key, klen)) == NULL || (v = strndup(value, vlen)) == NULL) {
		free(k);
		return nitro__oom(NULL);
	}
	pthread_mutex_lock(&mu);
	for (i = 0; i < nentries && strcmp(entries[i].key, k) != 0; i++)
		;
	if (i == ENTRIES_MAX) {
		pthread_mutex_unlock(&mu);
		free(k);
		free(v);
		return nitro_error(NITRO_ELIMIT, ".env: more than %d settings", ENTRIES_MAX);
	}
	if (i < nentries) {	/* a later line wins */
		free(entries[i].key);
		free(entries[i].value);
	} else {
		nentries++;
	}
	entries[i].key = k;
	entries[i].value = v;
	pthread_mutex_unlock(&mu);
	return 0;
}

/* Parse one line (without its newline) into the table. */
static int parse_line(const char *path, int lineno, char *p, char *end)
{
	char *key, *v, *out;
	size_t klen;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p == end || *p == '#')
		return 0;
	if (end - p > 7 && strncmp(p, "export", 6) == 0 && (p[6] == ' ' || p[6] == '\t')) {
		p += 6;
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
	}
	key = p;
	while (p < end && ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
	    (*p >= '0' && *p <= '9') || *p == '_'))
		p++;
	klen = (size_t)(p - key);
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (klen == 0 || p == end || *p != '=')
		return nitro_error(NITRO_EPARSE, "%s:%d: expected KEY=VALUE", path, lineno);
	p++;
	v = p;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	/* "KEY= # note" is an empty value with a comment ("KEY=#x" is "#x"). */
	if (p < end && *p == '#' && p > v)
		p = end;
	v = out = p;
	if (p < end && (*p == '"' || *p == '\'')) {
		char q = *p++;

		for (; p < end && *p != q; p++) {
			if (q == '"' && *p == '\\' && p + 1 < end) {
				p++;
				*out++ = *p == 'n' ? '\n' : *p == 't' ? '\t' : *p;
			} else {
				*out++ = *p;
			}
		}
		if (p == end)
			return nitro_error(NITRO_EPARSE, "%s:%d: unterminated quote", path, lineno);
		for (p++; p < end && (*p == ' ' || *p == '\t'); p++)
			;
		if (p < end && *p != '#')
			return nitro_error(NITRO_EPARSE, "%s:%d: text after the closing quote",
			    path, lineno);
	} else {
		/* Unquoted: up to a " #" comment, trailing blanks trimmed. */
		for (; p < end && !(*p == '#' && p > v && (p[-1] == ' ' || p[-1] == '\t')); p++)
			;
		out = p;
		while (out > v && (out[-1] == ' ' || out[-1] == '\t'))
			out--;
	}
	if (klen < 6 || strncmp(key, "NITRO_", 6) != 0)
		return 0;	/* the file configures Nitro only */
	return set(key, klen, v, (size_t)(out - v));
}

int nitro__config_parse_env(char *buf, size_t len, const char *name)
{
	char *p = buf, *end = buf + len, *nl;
	int rc = 0, lineno = 0;

	if (memchr(buf, '\0', len) != NULL)
		return nitro_error(NITRO_EPARSE, "%s: holds a NUL byte", name);
	while (rc == 0 && p < end) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		lineno++;
		rc = parse_line(name, lineno, p, nl > p && nl[-1] == '\r' ? nl - 1 : nl);
		p = nl < end ? nl + 1 : end;
	}
	return rc;
}

void nitro__config_reset(void)
{
	pthread_mutex_lock(&mu);
	for (size_t i = 0; i < nentries; i++) {
		free(entries[i].key);
		free(entries[i].value);
	}
	nentries = 0;
	nproblems = 0;
	pthread_mutex_unlock(&mu);
}

int nitro_config_load(const char *path)
{
	const char *name = path ? path : ".env";
	FILE *f = fopen(name, "r");
	char *buf;
	size_t n;
	int rc;

	if (f == NULL) {
		if (path == NULL && errno == ENOENT)
			return 0;	/* the default file is optional */
		return nitro_error(NITRO_ENOTFOUND, "%s: %s", name, strerror(errno));
	}
	if ((buf = malloc(FILE_MAX + 1)) == NULL) {
		fclose(f);
		return nitro__oom(NULL);
	}
	n = fread(buf, 1, FILE_MAX + 1, f);
	fclose(f);
	if (n > FILE_MAX) {
		free(buf);
		return nitro_error(NITRO_ELIMIT, "%s: larger than %d bytes", name, FILE_MAX);
	}
	rc = nitro__config_parse_env(buf, n, name);
	free(buf);
	return rc;
}

const char *nitro_config_str(const char *key, const char *def)
{
	const char *v = key ? getenv(key) : NULL;

	if (v != NULL || key == NULL)
		return v ? v : def;
	pthread_mutex_lock(&mu);
	for (size_t i = 0; i < nentries; i++)
		if (strcmp(entries[i].key, key) == 0)
			v = entries[i].value;	/* kept until a later load */
	pthread_mutex_unlock(&mu);
	return v ? v : def;
}

int64_t nitro_config_int(const char *key, int64_t def, int64_t min, int64_t max)
{
	const char *v = nitro_config_str(key, NULL);
	long long n;
	char *end;

	if (v == NULL)
		return def;
	errno = 0;
	n = strtoll(v, &end, 10);
	if (errno || end == v || *end != '\0') {
		problem("%s: \"%.40s\" is not an integer", key, v);
		return def;
	}
	if (n < min || n > max) {
		problem("%s: %lld is outside %lld..%lld", key, n, (long long)min,
		    (long long)max);
		return def;
	}
	return n;
}

int nitro_config_bool(const char *key, int def)
{
	static const char *const yes[] = {"1", "true", "yes", "on"};
	static const char *const no[] = {"0", "false", "no", "off"};
	const char *v = nitro_config_str(key, NULL);

	if (v == NULL)
		return def;
	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(v, yes[i]) == 0)
			return 1;
		if (strcasecmp(v, no[i]) == 0)
			return 0;
	}
	problem("%s: \"%.40s\" is not a boolean (true/false, 1/0, yes/no, on/off)", key, v);
	return def;
}

double nitro_config_real(const char *key, double def)
{
	const char *v = nitro_config_str(key, NULL);
	char *end;
	double d;

	if (v == NULL)
		return def;
	errno = 0;
	d = strtod(v, &end);
	if (errno || end == v || *end != '\0' || !isfinite(d)) {
		problem("%s: \"%.40s\" is not a number", key, v);
		return def;
	}
	return d;
}

int nitro_config_check(void)
{
	int rc = 0;

	pthread_mutex_lock(&mu);
	if (nproblems == 1)
		rc = nitro_error(NITRO_EINVAL, "bad setting %s", problems[0]);
	else if (nproblems > 1)
		rc = nitro_error(NITRO_EINVAL, "bad setting %s (and %zu more)",
		    problems[0], nproblems - 1);
	pthread_mutex_unlock(&mu);
	return rc;
}
