/*
 * libFuzzer harness: SDK test JSON -> Datastar SSE bytes.  Checks that a
 * failure leaves the buffer untouched and that every encoded event is
 * well formed: lines end in LF, no CR anywhere, events end in a blank line.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nitro/views.h"
#include "../../examples/sdk-test/events.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_tokener *tok;
	json_object *in;
	nitro_buf b;
	int rc;

	if (size > 65536)
		return 0;
	tok = json_tokener_new_ex(32);
	if (tok == NULL)
		return 0;
	in = json_tokener_parse_ex(tok, (const char *)data, (int)size);
	json_tokener_free(tok);
	if (in == NULL)
		return 0;
	nitro_buf_init(&b, 1 << 20);
	rc = sdk_test_events(&b, in);
	if (rc != 0 && b.len != 0)
		abort();	/* a refused list must leave nothing behind */
	if (rc == 0 && b.len > 0) {
		if (memchr(b.data, '\r', b.len) != NULL)
			abort();
		if (b.len < 2 || b.data[b.len - 1] != '\n' || b.data[b.len - 2] != '\n')
			abort();
		if (strncmp(b.data, "event: ", 7) != 0)
			abort();
	}
	nitro_buf_free(&b);
	json_object_put(in);
	return 0;
}
