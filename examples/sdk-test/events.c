/*
 * The Datastar SDK conformance input ({"events": [...]}) turned into SSE
 * bytes with the public encoders.  The whole list is encoded or nothing:
 * on a malformed event the buffer is cut back to where it was and
 * NITRO_EPARSE returned.  A test format, so it lives with the example
 * that serves it, not in the library.
 */
#include <stdio.h>
#include <string.h>

#include "events.h"

/* The member key of obj if it is of type t; NULL when absent.  A member
 * of another type sets *bad and leaves a message naming it. */
static json_object *member(json_object *obj, const char *key, json_type t, int *bad)
{
	json_object *v;

	if (!json_object_object_get_ex(obj, key, &v) || v == NULL)
		return NULL;
	if (!json_object_is_type(v, t)) {
		if (!*bad)
			nitro_error(NITRO_EPARSE, "%s is not a JSON %s", key, json_type_to_name(t));
		*bad = 1;
		return NULL;
	}
	return v;
}

static const char *str(json_object *obj, const char *key, int *bad)
{
	json_object *v = member(obj, key, json_type_string, bad);

	return v ? json_object_get_string(v) : NULL;
}

static int flag(json_object *obj, const char *key, int dflt, int *bad)
{
	json_object *v = member(obj, key, json_type_boolean, bad);

	return v ? json_object_get_boolean(v) : dflt;
}

static int one_event(nitro_buf *b, json_object *ev)
{
	const char *type, *id, *s;
	json_object *v;
	long retry = 0;
	int bad = 0, rc;

	if (!json_object_is_type(ev, json_type_object))
		return nitro_error(NITRO_EPARSE, "not an object");
	type = str(ev, "type", &bad);
	id = str(ev, "eventId", &bad);
	if ((v = member(ev, "retryDuration", json_type_int, &bad)) != NULL) {
		int64_t r = json_object_get_int64(v);

		if (r < 0 || r > 86400000)
			return nitro_error(NITRO_EPARSE, "retryDuration is out of 0..86400000");
		/* 0 is a value here ("retry: 0"), not the encoder's unset. */
		retry = r == 0 ? NITRO_SSE_RETRY_NOW : (long)r;
	}
	if (bad)
		return NITRO_EPARSE;
	if (type == NULL)
		return nitro_error(NITRO_EPARSE, "no type");

	if (strcmp(type, "patchElements") == 0) {
		struct nitro_sse_patch p = { 0 };

		p.id = id;
		p.retry_ms = retry;
		p.selector = str(ev, "selector", &bad);
		if ((s = str(ev, "mode", &bad)) != NULL && nitro_ds_mode_parse(s, &p.mode))
			return nitro_error(NITRO_EPARSE, "unknown mode \"%.20s\"", s);
		p.view_transition = flag(ev, "useViewTransition", 0, &bad);
		s = str(ev, "elements", &bad);
		if (bad)
			return NITRO_EPARSE;
		rc = nitro_sse_patch_elements(b, s, s ? strlen(s) : 0, &p);
	} else if (strcmp(type, "patchSignals") == 0) {
		struct nitro_sse_opts o = { id, retry };
		int missing = flag(ev, "onlyIfMissing", 0, &bad);

		if ((s = str(ev, "signals-raw", &bad)) != NULL)
			rc = nitro_sse_patch_signals_json(b, s, strlen(s), missing, &o);
		else if ((v = member(ev, "signals", json_type_object, &bad)) != NULL && !bad)
			rc = nitro_sse_patch_signals(b, v, missing, &o);
		else
			return bad ? NITRO_EPARSE :
			    nitro_error(NITRO_EPARSE, "patchSignals without signals");
	} else if (strcmp(type, "executeScript") == 0) {
		struct nitro_sse_script so = { 0 };

		so.id = id;
		so.retry_ms = retry;
		so.keep = !flag(ev, "autoRemove", 1, &bad);
		so.attributes = member(ev, "attributes", json_type_object, &bad);
		s = str(ev, "script", &bad);
		if (bad)
			return NITRO_EPARSE;
		if (s == NULL)
			return nitro_error(NITRO_EPARSE, "executeScript without script");
		rc = nitro_sse_execute_script(b, s, &so);
	} else {
		return nitro_error(NITRO_EPARSE, "unknown type \"%.30s\"", type);
	}
	return rc;
}

int sdk_test_events(nitro_buf *b, json_object *input)
{
	json_object *events;
	size_t mark = b->len, n;
	int rc;

	if (!json_object_is_type(input, json_type_object) ||
	    !json_object_object_get_ex(input, "events", &events) ||
	    !json_object_is_type(events, json_type_array))
		return nitro_error(NITRO_EPARSE, "sdk test: expected {\"events\": [...]}");
	n = json_object_array_length(events);
	for (size_t i = 0; i < n; i++) {
		rc = one_event(b, json_object_array_get_idx(events, i));
		if (rc) {
			if (b->data != NULL && b->len > mark) {
				b->len = mark;
				b->data[mark] = '\0';
			}
			/* Keep what was wrong (the encoder's message or ours). */
			if (rc == NITRO_EPARSE || rc == NITRO_EINVAL) {
				char why[160];

				snprintf(why, sizeof why, "%s", nitro_errmsg());
				return nitro_error(NITRO_EPARSE,
				    "sdk test: event %zu is malformed: %s", i, why);
			}
			return rc;
		}
	}
	return 0;
}
