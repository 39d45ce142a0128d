/*
 * libFuzzer harness for the static file path check (fcgi/static.c): a
 * path it accepts is NUL-terminated within the buffer, holds no NUL,
 * control byte or backslash, and has no empty segment and no segment
 * starting with a dot, so it cannot name anything above the directory
 * or hidden in it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fcgi/static.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char out[NITRO_STATIC_PATH_MAX];
	int n = nitro__static_rel((const char *)data, size, out, sizeof out);

	if (n < 0)
		return 0;
	if ((size_t)n >= sizeof out || strlen(out) != (size_t)n || n == 0)
		abort();
	for (const char *seg = out;; ) {
		size_t len = strcspn(seg, "/");

		if (len == 0 || seg[0] == '.')
			abort();
		for (size_t i = 0; i < len; i++)
			if ((unsigned char)seg[i] < 0x20 || seg[i] == 0x7f || seg[i] == '\\')
				abort();
		if (seg[len] == '\0')
			break;
		seg += len + 1;
	}
	return 0;
}
