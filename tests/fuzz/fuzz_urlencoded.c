/*
 * libFuzzer harness for application/x-www-form-urlencoded form bodies
 * (in_body=1).  Each input is parsed under the default limits and under
 * tight ones, and the pairs are compared with a naive reference decoder:
 * same names, values and lengths, and a refusal exactly when the reference
 * finds a bad escape, a NUL byte or an exceeded limit.
 */
#include "parse_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nitro_limits def = fuzz_default_limits(), tight = fuzz_tight_limits();

	if (size > FUZZ_MAX_INPUT)
		return 0;
	fuzz_form((const char *)data, size, 1, &def);
	fuzz_form((const char *)data, size, 1, &tight);
	return 0;
}
