/*
 * A minimal TAP producer for unit tests.  Each check prints one
 * "ok N - name" or "not ok N - name" line with the values that differed;
 * t_done() prints the plan and returns the exit status.
 *
 *   T_OK(x > 0, "positive");
 *   T_EQ_INT(rc, 0, "parse succeeds");
 *   T_EQ_STR(v, "abc", "value decoded");
 *   return t_done();
 */
#ifndef NITRO_TESTS_T_H
#define NITRO_TESTS_T_H

#include <stdio.h>
#include <string.h>

static int t_n, t_failed;

static inline int t_check(int ok, const char *name, const char *file, int line)
{
	++t_n;
	printf("%sok %d - %s\n", ok ? "" : "not ", t_n, name);
	if (!ok) {
		++t_failed;
		printf("#   at %s:%d\n", file, line);
	}
	fflush(stdout);
	return ok;
}

#define T_OK(cond, name) t_check(!!(cond), (name), __FILE__, __LINE__)

#define T_EQ_INT(got, want, name) do { \
	long long t_g_ = (long long)(got), t_w_ = (long long)(want); \
	if (!t_check(t_g_ == t_w_, (name), __FILE__, __LINE__)) \
		printf("#   got %lld, want %lld\n", t_g_, t_w_); \
} while (0)

#define T_EQ_STR(got, want, name) do { \
	const char *t_g_ = (got), *t_w_ = (want); \
	int t_ok_ = (t_g_ == NULL && t_w_ == NULL) || \
	    (t_g_ != NULL && t_w_ != NULL && strcmp(t_g_, t_w_) == 0); \
	if (!t_check(t_ok_, (name), __FILE__, __LINE__)) \
		printf("#   got \"%s\", want \"%s\"\n", t_g_ ? t_g_ : "(null)", \
		    t_w_ ? t_w_ : "(null)"); \
} while (0)

/* Bytes compared exactly (for encoders), shown escaped on failure. */
#define T_EQ_MEM(got, glen, want, wlen, name) do { \
	const char *t_g_ = (const char *)(got), *t_w_ = (const char *)(want); \
	size_t t_gl_ = (glen), t_wl_ = (wlen); \
	if (!t_check(t_gl_ == t_wl_ && memcmp(t_g_, t_w_, t_gl_) == 0, (name), \
	    __FILE__, __LINE__)) { \
		printf("#   got  (%zu) ", t_gl_); t_dump(t_g_, t_gl_); \
		printf("#   want (%zu) ", t_wl_); t_dump(t_w_, t_wl_); \
	} \
} while (0)

static inline void t_dump(const char *p, size_t n)
{
	for (size_t i = 0; i < n && i < 400; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c == '\n') fputs("\\n", stdout);
		else if (c == '\r') fputs("\\r", stdout);
		else if (c < 32 || c > 126) printf("\\x%02x", c);
		else putchar(c);
	}
	putchar('\n');
}

/* Take the X-Request-Id line that follows the status line out of a CGI
 * response in s (it differs in every run), so that the rest can be
 * compared byte for byte; 1 when it was there, a 32-digit hex id. */
static inline int t_drop_request_id(char *s, size_t *len)
{
	char *p = strstr(s, "\r\n");
	size_t n;

	if (p == NULL || strncmp(p + 2, "X-Request-Id: ", 14) != 0)
		return 0;
	n = strspn(p + 16, "0123456789abcdef");
	if (strncmp(p + 16 + n, "\r\n", 2) != 0)
		return 0;
	/* s[0..*len) and its NUL, less the line. */
	memmove(p + 2, p + 18 + n, *len + 1 - (size_t)(p + 18 + n - s));
	*len -= 16 + n;
	return n == 32;
}

static inline int t_done(void)
{
	printf("1..%d\n", t_n);
	return t_failed ? 1 : 0;
}

#endif
