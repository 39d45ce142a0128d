/*
 * A fast path for printf-style formatting.  Pages, response heads and log
 * lines format many small values ("p-%d", "Content-Length: %zu"); glibc's
 * vsnprintf costs more than the rest of the work, so the plain conversions
 * (%s %d %i %u %ld %lu %lld %llu %zu %c %%, no flags, width or precision)
 * are done here and anything else falls back to vsnprintf.
 */
#include <stdarg.h>
#include <string.h>

#include "core/fmt.h"

static size_t utoa(char *end, unsigned long long v)
{
	char *p = end;

	do
		*--p = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	return (size_t)(end - p);
}

/* Append a number; 0 when it does not fit. */
static int put_num(char *mem, size_t memsz, size_t *n, long long sv,
    unsigned long long uv, int is_signed)
{
	char tmp[24];
	size_t len;
	int neg = is_signed && sv < 0;

	if (is_signed)
		uv = neg ? 0ULL - (unsigned long long)sv : (unsigned long long)sv;
	len = utoa(tmp + sizeof tmp, uv);
	if (*n + len + (size_t)neg >= memsz)
		return 0;
	if (neg)
		mem[(*n)++] = '-';
	memcpy(mem + *n, tmp + sizeof tmp - len, len);
	*n += len;
	return 1;
}

int nitro__vfmt(char *mem, size_t memsz, const char *fmt, va_list ap)
{
	size_t n = 0, len;
	const char *p, *s;
	va_list aq;
	int ok = 1;

	va_copy(aq, ap);
	for (p = fmt; *p && ok; p++) {
		if (*p != '%') {
			if (n + 1 >= memsz) {
				ok = 0;
				break;
			}
			mem[n++] = *p;
			continue;
		}
		switch (*++p) {
		case '%':
			if (n + 1 >= memsz)
				ok = 0;
			else
				mem[n++] = '%';
			break;
		case 'c':
			if (n + 1 >= memsz)
				ok = 0;
			else
				mem[n++] = (char)va_arg(aq, int);
			break;
		case 's':
			s = va_arg(aq, const char *);
			if (s == NULL)
				s = "(null)";
			len = strlen(s);
			if (n + len >= memsz)
				ok = 0;
			else {
				memcpy(mem + n, s, len);
				n += len;
			}
			break;
		case 'd': case 'i':
			ok = put_num(mem, memsz, &n, va_arg(aq, int), 0, 1);
			break;
		case 'u':
			ok = put_num(mem, memsz, &n, 0, va_arg(aq, unsigned), 0);
			break;
		case 'z':
			if (p[1] == 'u') {
				p++;
				ok = put_num(mem, memsz, &n, 0, va_arg(aq, size_t), 0);
			} else
				ok = 0;
			break;
		case 'l':
			if (p[1] == 'd' || p[1] == 'i') {
				p++;
				ok = put_num(mem, memsz, &n, va_arg(aq, long), 0, 1);
			} else if (p[1] == 'u') {
				p++;
				ok = put_num(mem, memsz, &n, 0, va_arg(aq, unsigned long), 0);
			} else if (p[1] == 'l' && (p[2] == 'd' || p[2] == 'i')) {
				p += 2;
				ok = put_num(mem, memsz, &n, va_arg(aq, long long), 0, 1);
			} else if (p[1] == 'l' && p[2] == 'u') {
				p += 2;
				ok = put_num(mem, memsz, &n, 0, va_arg(aq, unsigned long long), 0);
			} else
				ok = 0;
			break;
		default:
			ok = 0;	/* flags, width, precision, floats, %p, %n ... */
			break;
		}
	}
	va_end(aq);
	if (!ok)
		return -1;
	mem[n] = '\0';
	return (int)n;
}
