/*
 * hello: the smallest Nitro application worth copying.  A welcome page
 * counts its visits, and every open copy of the page sees the count go up
 * when anyone opens it, whichever worker process served them.
 *
 *   - The count is an entity (visits) in a SQLite repository opened with
 *     log_changes: saving it also appends "visits.saved" (the record as
 *     JSON) to the event log, in the same transaction.
 *   - The page is written with the HTML writer, which escapes by default.
 *   - GET /live parks a stream in the worker's hub, which follows the event
 *     log and turns each visits.saved into a Datastar patch: no thread
 *     waits for any browser.
 *   - Datastar comes from NITRO_DATASTAR_JS when it names a file (the
 *     runtime serves it at /datastar.js as a static file and the page
 *     shell points there), from the CDN otherwise.
 *   - GET /healthz answers 200 while the database, the hub and its
 *     follower are well, 503 otherwise (nitro_app_health).
 *
 *   NITRO_DB=var/hello.db nitro serve --app ./hello
 */
#include <string.h>
#include <sys/stat.h>

#include <nitro.h>


#define VISITS_FIELDS(X) \
	X(id, INT, NITRO_F_ID) \
	X(n,  INT, NITRO_F_DEFAULT("0"))
NITRO_ENTITY(visits, VISITS_FIELDS)
NITRO_ENTITY_DEFINE(visits, VISITS_FIELDS);

static nitro_repo *db;

/* The count, as the page shows it and as every patch replaces it. */
static void view_count(nitro_html *h, int64_t n)
{
	NITRO_HTML(h, "strong") {
		nitro_html_attr(h, "id", "count");
		nitro_html_int(h, n);
	}
}

/* The count now (0 before the first visit). */
static int64_t count(void)
{
	struct visits v;
	int64_t n = 0;

	if (visits_get(nitro_id_int(1), &v) == 0) {
		n = v.n;
		visits_clear(&v);
	}
	return n;
}

/* One more visit.  Read and write in one transaction: it takes the write
 * lock at once, so that two workers never add to the same old value. */
static int visit(int64_t *n)
{
	struct visits v;
	int rc;

	if ((rc = nitro_sql_begin(db)) != 0)
		return rc;
	if ((rc = visits_get(nitro_id_int(1), &v)) == NITRO_ENOTFOUND) {
		rc = visits_init(&v);
		v.id = 1;
	}
	if (rc == 0) {
		*n = ++v.n;
		rc = visits_save(&v);
		visits_clear(&v);
	}
	if (rc != 0) {
		nitro_sql_rollback(db);
		return rc;
	}
	return nitro_sql_commit(db);
}

/* A patch of #count to n. */
static int patch_count(nitro_buf *out, int64_t n)
{
	nitro_buf html = NITRO_BUF_INIT;
	nitro_html h;
	int rc;

	nitro_html_init(&h, &html);
	view_count(&h, n);
	if ((rc = nitro_html_finish(&h)) == 0)
		rc = nitro_sse_patch_elements(out, html.data, html.len, NULL);
	nitro_buf_free(&html);
	return rc;
}

/* One event in, one patch out.  Runs on the hub thread: it works from the
 * payload.  NITRO_LIVE_GAP (a fresh stream's first render, on the
 * request's thread, and a gap in the events) reads the count now: a visit
 * between the page and its stream is not lost. */
static int render(const struct nitro_live_event *ev, nitro_buf *out, void *udata)
{
	json_object *j;
	struct visits v;
	int rc;

	(void)udata;
	if (strcmp(ev->topic, NITRO_LIVE_GAP) == 0)
		return patch_count(out, count());
	j = json_tokener_parse(ev->payload);
	rc = j ? nitro_entity_from_json(&visits_schema, j, &v, NULL) : NITRO_EPARSE;
	json_object_put(j);
	if (rc != 0)
		return 0;	/* not a record: nothing to show */
	rc = patch_count(out, v.n);
	visits_clear(&v);
	return rc;
}

static int live(nitro_req *req, void *udata)
{
	static const char *const topics[] = { "visits.saved" };
	struct nitro_live_opts o = {
		.topics = topics, .ntopics = 1, .render = render, .first = render,
	};

	(void)udata;
	nitro_live(req, &o);	/* parked, or refused with the answer set */
	return 0;
}

static int home(nitro_req *req, void *udata)
{
	struct nitro_page page = {
		.title = "Welcome to Nitro",
	};
	nitro_html h;
	int64_t n = 0;
	int rc;

	(void)udata;
	if ((rc = visit(&n)) != 0)
		return rc;
	nitro_resp_header(req, "Content-Type", "text/html; charset=utf-8");
	nitro_html_init(&h, nitro_resp_body(req));
	nitro_page_begin(&h, &page);
	NITRO_HTML(&h, "main") {
		/* Open the stream once the page is up, and again after any end. */
		nitro_ds_data(&h, "init", NULL, NULL, "@get('/live', {retry: 'always'})");
		nitro_html_elem(&h, "h1", "Welcome to Nitro");
		nitro_html_elem(&h, "p", "This page is served by a C program running as "
		    "FastCGI workers behind nginx.");
		NITRO_HTML(&h, "p") {
			nitro_html_text(&h, "Visits so far: ");
			view_count(&h, n);
			nitro_html_text(&h, ". Open it in another tab and watch this one.");
		}
	}
	nitro_page_end(&h);
	return nitro_html_finish(&h);
}

int main(int argc, char **argv)
{
	struct nitro_sql_opts so = { .create_tables = 1, .log_changes = 1 };
	const char *path = nitro_config_str("NITRO_DB", "");
	nitro_transport *events = NULL;
	nitro_app *app = NULL;
	int rc = -1;

	if (*path == '\0') {
		mkdir("var", 0755);
		path = "var/hello.db";
	}
	if ((db = nitro_sqlrepo_new(path, &so)) == NULL ||
	    nitro_entity_bind(&visits_schema, db, NULL) != 0 ||
	    /* Every worker's hub follows the event log. */
	    (events = nitro_sql_transport(db)) == NULL ||
	    (app = nitro_app_new(&(struct nitro_app_opts){.transport = events})) == NULL ||
	    nitro_route(app, "GET /", home, NULL) != 0 ||
	    nitro_route(app, "GET /live", live, NULL) != 0 ||
	    nitro_app_health(app, "/healthz", &(struct nitro_health_opts){.repo = db}) != 0)
		nitro_log(NITRO_LOG_ERROR, "hello: cannot start", "error", nitro_errmsg(), NULL);
	else
		rc = nitro_app_run(app, argc, argv);	/* until SIGTERM */
	nitro_app_free(app);		/* first: its hub follows events */
	nitro_transport_free(events);
	nitro_repo_free(db);
	return rc == 0 ? 0 : 1;
}
