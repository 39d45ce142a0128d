/*
 * The /metrics endpoint.  Requests are counted by the core registry
 * (nitro_metrics_request(), called by the dispatcher).
 */
#include <stdio.h>

#include "fcgi/internal.h"

static int serve_metrics(nitro_req *req, void *udata)
{
	nitro_buf *b = nitro_resp_body(req);
	int rc;

	(void)udata;
	if ((rc = nitro_metrics_write(b)) != 0)
		return rc;
	return nitro_resp_header(req, "Content-Type", "text/plain; version=0.0.4; charset=utf-8");
}

int nitro_app_serve_metrics(nitro_app *app, const char *path)
{
	char pattern[300];
	int rc;

	if (path == NULL)
		path = "/metrics";
	if (snprintf(pattern, sizeof pattern, "GET %s", path) >= (int)sizeof pattern)
		return nitro_error(NITRO_EINVAL, "metrics path too long");
	if ((rc = nitro_route(app, pattern, serve_metrics, NULL)) != 0)
		return rc;
	/* The default event bus is the one entities emit on. */
	nitro_metrics_bus(nitro_bus_default(), "default");
	return 0;
}
