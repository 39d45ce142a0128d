/*
 * The health endpoint (nitro_app_health): 200 only when this process can
 * serve.  Three checks, each "ok", "off" (not there to check: no
 * repository given, or no hub in CGI mode) or the reason it failed:
 *   database  the repository answers (nitro_repo_ping);
 *   hub       the hub's thread goes round its loop (it stamps the time on
 *             every turn, at least once a second while idle);
 *   follower  the hub has read the transport up to near its head: a
 *             process whose live pages no longer get events is not
 *             healthy, though it still answers.
 * The first failed check is named in "failed"; the answer is 503 then,
 * so that a load balancer takes the process out.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/transport.h"
#include "fcgi/hub.h"

/* What nitro_health_opts' zero fields mean. */
#define HEALTH_HUB_STALL_MS 5000
#define HEALTH_MAX_LAG 1000

struct health {
	nitro_repo *repo;
	int64_t stall_ms;
	int64_t max_lag;
};

enum { CHECK_DATABASE, CHECK_HUB, CHECK_FOLLOWER, NCHECKS };
static const char *const check_names[NCHECKS] = {"database", "hub", "follower"};

/* Each check writes "ok", "off" or why it failed into out; 1 when ok. */
static int check_database(const struct health *h, nitro_app *app, char *out, size_t n)
{
	(void)app;
	if (h->repo == NULL)
		return snprintf(out, n, "off"), 1;
	if (nitro_repo_ping(h->repo) != 0)
		return snprintf(out, n, "%s", nitro_errmsg()), 0;
	return snprintf(out, n, "ok"), 1;
}

static int check_hub(const struct health *h, nitro_app *app, char *out, size_t n)
{
	int64_t beat, seen, age;

	if (app->hub == NULL || nitro__hub_progress(app->hub, &beat, &seen) != 0)
		return snprintf(out, n, "off"), 1;
	age = nitro__now_ms() - beat;
	if (age > h->stall_ms)
		return snprintf(out, n, "the hub thread has not run for %" PRId64 " ms", age), 0;
	return snprintf(out, n, "ok"), 1;
}

static int check_follower(const struct health *h, nitro_app *app, char *out, size_t n)
{
	int64_t beat, seen, head;

	if (app->hub == NULL || nitro__hub_progress(app->hub, &beat, &seen) != 0)
		return snprintf(out, n, "off"), 1;
	if (nitro__transport_head(app->transport, &head) != 0)
		return snprintf(out, n, "the transport does not answer: %s", nitro_errmsg()), 0;
	if (head - seen > h->max_lag)
		return snprintf(out, n, "%" PRId64 " events behind the transport (read %"
		    PRId64 ", head %" PRId64 ")", head - seen, seen, head), 0;
	return snprintf(out, n, "ok"), 1;
}

static int (*const checks[NCHECKS])(const struct health *, nitro_app *, char *, size_t) = {
	check_database, check_hub, check_follower,
};

static int health(nitro_req *req, void *udata)
{
	const struct health *h = udata;
	json_object *body = json_object_new_object(), *res = json_object_new_object();
	const char *failed = NULL, *text;
	char why[256];
	int rc;

	if (body == NULL || res == NULL) {
		json_object_put(body);
		json_object_put(res);
		return nitro__oom(NULL);
	}
	for (int i = 0; i < NCHECKS; i++) {
		if (!checks[i](h, req->app, why, sizeof why) && failed == NULL)
			failed = check_names[i];
		json_object_object_add(res, check_names[i], json_object_new_string(why));
	}
	json_object_object_add(body, "status", json_object_new_string(failed ?
	    "unavailable" : "ok"));
	if (failed != NULL)
		json_object_object_add(body, "failed", json_object_new_string(failed));
	json_object_object_add(body, "checks", res);
	text = json_object_to_json_string_ext(body, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE);
	rc = nitro_resp_header(req, "Cache-Control", "no-store");
	if (rc == 0)
		rc = nitro_resp_send(req, failed ? 503 : 200, "application/json", text,
		    strlen(text));
	if (failed != NULL)
		nitro_log(NITRO_LOG_WARN, "health check failed", "check", failed,
		    "detail", text, NULL);
	json_object_put(body);
	return rc;
}

int nitro_app_health(nitro_app *app, const char *path, const struct nitro_health_opts *o)
{
	static const struct nitro_health_opts none;
	char pattern[512];
	struct health *h;
	int rc;

	if (o == NULL)
		o = &none;
	if (path == NULL)
		path = "/healthz";
	if (path[0] != '/' || strlen(path) > sizeof pattern - 8)
		return nitro_error(NITRO_EINVAL, "health: the path must start with /");
	if ((h = calloc(1, sizeof *h)) == NULL)
		return nitro__oom(NULL);
	h->repo = o->repo;
	h->stall_ms = o->hub_stall_ms ? o->hub_stall_ms : HEALTH_HUB_STALL_MS;
	h->max_lag = o->max_lag > 0 ? o->max_lag : HEALTH_MAX_LAG;
	snprintf(pattern, sizeof pattern, "GET %s", path);
	if ((rc = nitro_route(app, pattern, health, h)) != 0) {
		free(h);
		return rc;
	}
	return nitro__app_own(app, free, h);
}
