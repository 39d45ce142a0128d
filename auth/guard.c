/*
 * The guard: a before-function (nitro_use()) that lets a request with a
 * live session through and answers any other itself, as its client
 * understands:
 *   - a Datastar action (Datastar-Request: true): 200 with a Datastar
 *     event that sends the page to the login path (Datastar applies only
 *     the body of a 200, so a 401 or a 303 would be dropped or followed
 *     by fetch without the page moving);
 *   - an API request (under the application's json_prefix, or Accept
 *     asking for JSON first): 401 with a JSON error;
 *   - a browser: 303 to the login path.
 * A store that fails is not a signed-out user, and never a way through:
 * the guard returns the store's code, which the runtime answers as it
 * answers a handler's: 503 when the store is away (NITRO_EUNAVAILABLE,
 * with its message) or busy (NITRO_EBUSY, with Retry-After), 500
 * otherwise.
 */
#include "auth/internal.h"
#include "fcgi/internal.h"

static int datastar_redirect(nitro_auth *a, nitro_req *req)
{
	nitro_buf ev = NITRO_BUF_INIT;
	int rc = nitro_sse_redirect(&ev, a->login_path, NULL);

	if (rc == 0 && (rc = nitro_resp_header(req, "Cache-Control", "no-cache")) == 0)
		rc = nitro_resp_send(req, 200, "text/event-stream", ev.data, ev.len);
	nitro_buf_free(&ev);
	return rc;
}

int nitro_auth_guard(nitro_req *req, void *auth)
{
	nitro_auth *a = auth;
	struct nitro_auth_user u;
	int rc = nitro_auth_user(a, req, &u);

	if (rc == 0)
		return NITRO_NEXT;
	if (rc != NITRO_ENOTFOUND)
		return rc;	/* the runtime answers, as for a handler */
	if (nitro_req_is_datastar(req)) {
		if (datastar_redirect(a, req) != 0)
			nitro_resp_error(req, 500, NULL);
	} else if (nitro__error_as_json(req)) {
		nitro_resp_error(req, 401, "sign in first");
	} else {
		nitro_resp_redirect(req, 303, a->login_path);
	}
	return NITRO_DONE;
}
