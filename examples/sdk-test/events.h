/* sdk-test: the conformance input decoder (events.c). */
#ifndef SDK_TEST_EVENTS_H
#define SDK_TEST_EVENTS_H

#include <nitro.h>

/*
 * The Datastar SDK conformance input: {"events": [...]} as described in
 * datastar.md, encoded event after event into b.  NITRO_EPARSE (nothing
 * appended) when the input is not of that shape.
 */
int sdk_test_events(nitro_buf *b, json_object *input);

#endif
