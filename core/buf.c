/* Growable byte buffers with a sticky error (see <nitro/core.h>). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nitro/core.h"
#include "core/error.h"
#include "core/fmt.h"

void nitro_buf_init(nitro_buf *b, size_t max)
{
	b->data = NULL;
	b->len = b->cap = 0;
	b->max = max;
	b->err = 0;
	b->borrowed = 0;
}

void nitro_buf_init_on(nitro_buf *b, char *mem, size_t cap, size_t max)
{
	b->data = mem;
	b->len = 0;
	b->cap = cap;
	b->max = max;
	b->err = 0;
	b->borrowed = 1;
	mem[0] = '\0';
}

void nitro_buf_free(nitro_buf *b)
{
	if (!b->borrowed)
		free(b->data);
	b->borrowed = 0;
	b->data = NULL;
	b->len = b->cap = 0;
	b->err = 0;
}

void nitro_buf_reset(nitro_buf *b)
{
	b->len = 0;
	b->err = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

int nitro_buf_grow(nitro_buf *b, size_t extra)
{
	size_t need, cap;
	char *p;

	if (b->err)
		return b->err;
	/* len + extra + 1 (NUL), overflow-checked. */
	if (__builtin_add_overflow(b->len, extra, &need) ||
	    __builtin_add_overflow(need, 1, &need)) {
		b->err = nitro_error(NITRO_ELIMIT, "buffer: size overflows");
		return b->err;
	}
	if (b->max != 0 && need - 1 > b->max) {
		b->err = nitro_error(NITRO_ELIMIT,
		    "buffer: %zu bytes exceeds the limit of %zu", need - 1, b->max);
		return b->err;
	}
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	/* The inline appends check only cap, so cap never passes max. */
	if (b->max != 0 && cap > b->max + 1)
		cap = b->max + 1;
	p = b->borrowed ? malloc(cap) : realloc(b->data, cap);
	if (p == NULL) {
		b->err = nitro_error(NITRO_ENOMEM, "buffer: cannot grow to %zu bytes", cap);
		return b->err;
	}
	if (b->borrowed) {
		memcpy(p, b->data, b->len + 1);
		b->borrowed = 0;
	}
	b->data = p;
	b->cap = cap;
	return 0;
}

int nitro_buf_vprintf(nitro_buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	if (b->err)
		return b->err;
	if (b->cap - b->len > 1) {
		va_copy(ap2, ap);
		n = nitro__vfmt(b->data + b->len, b->cap - b->len, fmt, ap2);
		va_end(ap2);
		if (n >= 0) {
			b->len += (size_t)n;
			return 0;
		}
	}
	va_copy(ap2, ap);
	n = vsnprintf(b->cap ? b->data + b->len : NULL,
	    b->cap ? b->cap - b->len : 0, fmt, ap2);
	va_end(ap2);
	if (n < 0) {
		b->err = nitro_error(NITRO_EINVAL, "buffer: bad format");
		return b->err;
	}
	if ((size_t)n >= b->cap - b->len || b->cap == 0) {
		int rc = nitro_buf_grow(b, (size_t)n);

		if (rc) {
			if (b->cap)
				b->data[b->len] = '\0';	/* drop the partial write */
			return rc;
		}
		vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
	}
	b->len += (size_t)n;
	return 0;
}

int nitro_buf_printf(nitro_buf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = nitro_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

char *nitro_buf_steal(nitro_buf *b, size_t *len)
{
	char *p = b->data;

	if (b->borrowed) {
		/* Caller storage cannot be handed out: copy it. */
		p = malloc(b->len + 1);
		if (p == NULL) {
			b->err = nitro__oom("buffer");
			return NULL;
		}
		memcpy(p, b->data, b->len + 1);
		b->borrowed = 0;
	}

	if (len != NULL)
		*len = b->len;
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}
