/*
 * libFuzzer harness for event patterns.  The input is "pattern\nname";
 * nitro_event_match() must agree with a reference that fills the textbook
 * dynamic-programming table, and so must a bus: a handler subscribed with
 * the pattern runs on an emit of the name exactly when they match (the
 * bus classifies patterns into exact, prefix, suffix and glob fast paths).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nitro/core.h"
#include "parse_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define LEN_MAX 200	/* longer than the bus's 127-byte patterns */

/* m[i][j]: p[i..] matches s[j..]; '*' matches any run of bytes. */
static int ref_match(const char *p, size_t pn, const char *s, size_t sn)
{
	static unsigned char m[LEN_MAX + 2][LEN_MAX + 2];

	for (size_t i = pn + 1; i-- > 0;) {
		for (size_t j = sn + 1; j-- > 0;) {
			if (i == pn)
				m[i][j] = j == sn;
			else if (p[i] == '*')
				m[i][j] = m[i + 1][j] || (j < sn && m[i][j + 1]);
			else
				m[i][j] = j < sn && p[i] == s[j] && m[i + 1][j + 1];
		}
	}
	return m[0][0];
}

static int ran;

static int handler(nitro_event *ev, void *udata)
{
	(void)ev;
	(void)udata;
	ran++;
	return NITRO_EVENT_CONTINUE;
}

static void check_bus(const char *pattern, size_t pn, const char *name, int want)
{
	static nitro_bus *bus;
	int id;

	if (bus == NULL && (bus = nitro_bus_new(NULL)) == NULL)
		abort();
	id = nitro_bus_on(bus, pattern, handler, NULL, NULL);
	if (pn == 0 || pn > 127) {
		CHECK(id == NITRO_EINVAL);
		return;
	}
	CHECK(id > 0);
	ran = 0;
	CHECK(nitro_bus_emit(bus, name, NULL, NULL) == 0);
	CHECK(ran == want);
	CHECK(nitro_bus_off(bus, id) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char p[LEN_MAX + 1], s[LEN_MAX + 1];
	const uint8_t *nl = memchr(data, '\n', size);
	size_t pn, sn;
	int want;

	if (nl == NULL)
		return 0;
	pn = (size_t)(nl - data);
	sn = size - pn - 1;
	if (pn > LEN_MAX || sn > LEN_MAX || memchr(data, '\0', size) != NULL)
		return 0;
	memcpy(p, data, pn);
	p[pn] = '\0';
	memcpy(s, nl + 1, sn);
	s[sn] = '\0';

	want = ref_match(p, pn, s, sn);
	CHECK(!!nitro_event_match(p, s) == want);
	check_bus(p, pn, s, want);
	/* Every string matches itself: a '*' can stand for a '*'. */
	CHECK(nitro_event_match(p, p));
	CHECK(nitro_event_match(s, s));
	return 0;
}
