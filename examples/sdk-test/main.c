/*
 * sdk-test: the Datastar SDK conformance endpoint.
 *
 *   GET  /test?datastar=<urlencoded {"events": [...]}>
 *   POST /test   with the same JSON as the body
 *
 * The handler reads the input as Datastar signals, encodes every event in
 * order with the views encoders (sdk_test_events() in events.c) and streams them,
 * then ends the response.  Run it with `nitro serve` or behind nginx:
 *
 *   ./sdk-test --listen unix:/run/nitro/sdk-test.sock
 */
#include <nitro.h>

#include "events.h"

static int sdk_test(nitro_req *req, void *udata)
{
	json_object *input = nitro_req_signals(req);
	nitro_stream *s;
	nitro_buf ev;
	char mem[8192];
	int rc;

	(void)udata;
	if (input == NULL) {
		if (nitro_req_failed(req))
			return 0;	/* the runtime answers 400 with the reason */
		return nitro_resp_error(req, 400, "expected Datastar signals {\"events\": [...]}");
	}
	/* Encode first: a malformed list is a 400, not half a stream. */
	nitro_buf_init_on(&ev, mem, sizeof mem, 1 << 20);
	if (sdk_test_events(&ev, input) != 0) {
		rc = nitro_resp_error(req, 400, nitro_errmsg());
		nitro_buf_free(&ev);
		return rc;
	}
	s = nitro_stream_open(req);
	if (s == NULL) {
		nitro_buf_free(&ev);
		return 0;	/* the client has gone */
	}
	rc = nitro_sse_send(s, &ev);
	nitro_stream_close(s);
	nitro_buf_free(&ev);
	return rc == NITRO_ECLOSED ? 0 : rc;
}

/* Routes of the example; shared with the unit test that drives them. */
static int sdk_test_routes(nitro_app *app)
{
	int rc = nitro_route(app, "GET /test", sdk_test, NULL);

	return rc ? rc : nitro_route(app, "POST /test", sdk_test, NULL);
}

#ifndef NITRO_SDKTEST_NO_MAIN
int main(int argc, char **argv)
{
	nitro_app *app = nitro_app_new(NULL);
	int rc;

	if (app == NULL || sdk_test_routes(app) != 0)
		return 1;
	rc = nitro_app_run(app, argc, argv);
	nitro_app_free(app);
	return rc == 0 ? 0 : 1;
}
#endif
