/*
 * Request metrics.  The core registry finds a series under a mutex, which
 * is fine once but not on every request from every thread, so the runtime
 * keeps the series it has found in a table indexed by method and status
 * and touches the registry only the first time a pair is seen.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "fcgi/internal.h"

static const char *const methods[] = {
	"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "OTHER"
};
#define NMETHODS (sizeof methods / sizeof methods[0])

static _Atomic(nitro_counter *) counters[NMETHODS][600];
static _Atomic(nitro_histogram *) histograms[NMETHODS];

static size_t method_index(const char *m)
{
	for (size_t i = 0; i + 1 < NMETHODS; i++)
		if (strcmp(m, methods[i]) == 0)
			return i;
	return NMETHODS - 1;
}

void nitro__metrics_request(const char *method, int status, double seconds)
{
	size_t mi = method_index(method);
	nitro_counter *c;
	nitro_histogram *h;
	char labels[64];

	if (status < 100 || status > 599)
		status = 0;
	c = atomic_load_explicit(&counters[mi][status], memory_order_acquire);
	if (c == NULL) {
		snprintf(labels, sizeof labels, "method=\"%s\",status=\"%d\"",
		    methods[mi], status);
		c = nitro_counter_get("nitro_http_requests_total",
		    "HTTP requests by method and status.", labels);
		atomic_store_explicit(&counters[mi][status], c, memory_order_release);
	}
	h = atomic_load_explicit(&histograms[mi], memory_order_acquire);
	if (h == NULL) {
		snprintf(labels, sizeof labels, "method=\"%s\"", methods[mi]);
		h = nitro_histogram_get("nitro_http_request_duration_seconds",
		    "Time to answer a request.", labels);
		atomic_store_explicit(&histograms[mi], h, memory_order_release);
	}
	if (c != NULL)
		nitro_counter_add(c, 1);
	if (h != NULL)
		nitro_histogram_observe(h, seconds);
}

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
