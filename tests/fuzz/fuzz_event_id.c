/*
 * libFuzzer harness for Last-Event-ID ("E-N", or a plain "N": see
 * fcgi/event_id.c).  An accepted header is short, holds only digits and at
 * most one '-', has a nonzero epoch when it has one, and its numbers are
 * what the digits say (no overflow: each written again and parsed back
 * gives the same pair); whatever was refused never set anything.
 */
#include "parse_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	char again[NITRO__EVENT_ID_MAX];
	int64_t epoch = -7, id = -7, e2 = -1, id2 = -1;
	size_t dashes = 0, n;

	if (size > FUZZ_MAX_INPUT)
		return 0;
	if (!nitro__event_id_parse(s, size, &epoch, &id)) {
		CHECK(epoch == -7 && id == -7);
		return 0;
	}
	CHECK(size > 0 && size < NITRO__EVENT_ID_MAX);
	for (size_t i = 0; i < size; i++) {
		CHECK((s[i] >= '0' && s[i] <= '9') || s[i] == '-');
		dashes += s[i] == '-';
	}
	CHECK(dashes <= 1);
	CHECK(epoch >= 0 && id >= 0);
	CHECK((dashes == 1) == (epoch != 0));
	n = nitro__event_id_format(again, epoch, id);
	CHECK(n > 0 && n <= size && again[n] == '\0');
	CHECK(nitro__event_id_parse(again, n, &e2, &id2) && e2 == epoch && id2 == id);
	return 0;
}
