/*
 * The event log keeps itself bounded: retention by count and by age runs
 * as events are appended, with no timer in the application, and change
 * logging can be switched off for one entity.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nitro/core.h"
#include "nitro/sql.h"
#include "t.h"

#define NOTE(X) \
	X(id,   INT,  NITRO_F_ID) \
	X(body, TEXT)
NITRO_ENTITY(note, NOTE)
NITRO_ENTITY_DEFINE(note, NOTE);

#define CACHE(X) \
	X(id,  INT,  NITRO_F_ID) \
	X(val, TEXT)
NITRO_ENTITY(cache, CACHE)
NITRO_ENTITY_DEFINE(cache, CACHE);

static char dir[] = "/tmp/nitro-sqlretain-XXXXXX";

/* Publish one event to r's log, as an application does. */
static int append(nitro_repo *r, const char *topic, const char *json, int64_t *id)
{
	nitro_transport *t = nitro_sql_transport(r);
	int rc = t ? nitro_publish(t, topic, json, id) : -1;

	nitro_transport_free(t);
	return rc;
}

static nitro_repo *open_db(const char *name, const struct nitro_sql_opts *o)
{
	char path[300];

	snprintf(path, sizeof path, "%s/%s.db", dir, name);
	return nitro_sqlrepo_new(path, o);
}

static size_t count(nitro_repo *r, int64_t *first)
{
	nitro_tevent *ev;
	size_t n = 0;

	*first = 0;
	if (nitro_sql_events_after(r, 0, 10000, &ev, &n) < 0)
		return (size_t)-1;
	if (n)
		*first = ev[0].id;
	nitro_tevents_free(ev, n);
	return n;
}

static void test_by_count(void)
{
	struct nitro_sql_opts o = {.create_tables = 1, .events_keep = 50};
	nitro_repo *r = open_db("count", &o);
	int64_t id = 0, first, head;
	int ok = 1;

	for (int i = 0; i < 1000 && ok; i++)
		ok = append(r, "t", "{}", &id) == 0;
	T_OK(ok, "1000 events appended");
	T_EQ_INT(count(r, &first), 50, "the log keeps the newest 50 by itself");
	T_EQ_INT(first, 951, "and they are the newest");
	T_OK(nitro_sql_events_head(r, &head) == 0 && head == 1000, "ids go on growing");
	nitro_repo_free(r);

	/* The default keeps far more than this; a negative count keeps all. */
	o.events_keep = -1;
	r = open_db("all", &o);
	for (int i = 0; i < 300 && ok; i++)
		ok = append(r, "t", "{}", NULL) == 0;
	T_EQ_INT(count(r, &first), 300, "events_keep < 0: no count limit");
	nitro_repo_free(r);
}

static void test_by_age(void)
{
	struct nitro_sql_opts o = {.create_tables = 1, .events_max_age_ms = 50};
	struct timespec nap = {0, 120 * 1000 * 1000};
	nitro_repo *r = open_db("age", &o);
	int64_t first;
	int ok = 1;

	for (int i = 0; i < 99 && ok; i++)
		ok = append(r, "t", "{}", NULL) == 0;
	nanosleep(&nap, NULL);
	ok = ok && append(r, "t", "{}", NULL) == 0;
	T_OK(ok, "100 events appended, the last one 120 ms after the others");
	T_EQ_INT(count(r, &first), 1, "events older than 50 ms are gone by themselves");
	T_EQ_INT(first, 100, "the new one stays");
	nitro_repo_free(r);
}

/* Retention inside a transaction that rolls back removes nothing. */
static void test_rollback(void)
{
	struct nitro_sql_opts o = {.create_tables = 1, .events_keep = 10};
	nitro_repo *r = open_db("rollback", &o);
	int64_t first;
	int ok = 1;

	for (int i = 0; i < 99 && ok; i++)
		ok = append(r, "t", "{}", NULL) == 0;
	T_EQ_INT(count(r, &first), 99, "99 events: retention has not run yet");
	ok = ok && nitro_sql_begin(r) == 0 &&
	    append(r, "t", "{}", NULL) == 0 && nitro_sql_rollback(r) == 0;
	T_OK(ok, "the 100th append rolled back");
	T_EQ_INT(count(r, &first), 99, "and so did its retention");
	nitro_repo_free(r);
}

static void test_per_entity(void)
{
	struct nitro_sql_opts o = {.create_tables = 1, .log_changes = 1};
	nitro_repo *r = open_db("entity", &o);
	nitro_tevent *ev = NULL;
	struct note n = {.body = "kept"};
	struct cache c = {.val = "not logged"};
	size_t k = 0;

	T_OK(nitro_entity_bind(&note_schema, r, NULL) == 0 &&
	    nitro_entity_bind(&cache_schema, r, NULL) == 0, "two entities bound");
	T_EQ_INT(nitro_sql_log_changes(&cache_schema, 0), 0, "cache: change logging off");
	T_OK(note_save(&n) == 0 && cache_save(&c) == 0 && cache_delete(nitro_id_int(c.id)) == 0,
	    "a note and a cache entry saved, the entry deleted");
	T_OK(nitro_sql_events_after(r, 0, 100, &ev, &k) == 0, "the log is read");
	T_EQ_INT(k, 1, "one event: the note's");
	T_EQ_STR(k ? ev[0].topic : NULL, "note.saved", "note.saved");
	nitro_tevents_free(ev, k);
	T_EQ_INT(nitro_sql_log_changes(&cache_schema, 1), 0, "switched on again");
	T_OK(cache_save(&c) == 0, "the entry saved again");
	T_OK(nitro_sql_events_after(r, 0, 100, &ev, &k) == 0 && k == 2 &&
	    strcmp(ev[1].topic, "cache.saved") == 0, "now it is logged");
	nitro_tevents_free(ev, k);
	nitro_repo_free(r);
	r = nitro_memrepo_new(NULL);
	T_OK(nitro_entity_bind(&note_schema, r, NULL) == 0 &&
	    nitro_sql_log_changes(&note_schema, 0) == NITRO_EINVAL,
	    "a schema bound to another repository is refused");
	nitro_repo_free(r);
}

/* "note.count" {"count":N}: derived in the change's transaction. */
static int count_notes(const nitro_schema *s, nitro_buf *json, void *udata)
{
	size_t n = 0;
	int rc = nitro_entity_count(s, NULL, &n);

	(void)udata;
	if (rc == 0)
		nitro_buf_printf(json, "{\"count\":%zu}", n);
	return rc;
}

static const char *topics_and_payloads(nitro_repo *r, char *out, size_t cap)
{
	nitro_tevent *ev = NULL;
	size_t n = 0, len = 0;

	out[0] = '\0';
	if (nitro_sql_events_after(r, 0, 100, &ev, &n) < 0)
		return nitro_errmsg();
	for (size_t i = 0; i < n && len < cap; i++)
		len += (size_t)snprintf(out + len, cap - len, "%s%s %s", i ? "; " : "",
		    ev[i].topic, strcmp(ev[i].topic, "note.count") == 0 ? ev[i].payload : "");
	nitro_tevents_free(ev, n);
	return out;
}

static void test_derive(void)
{
	struct nitro_sql_opts o = {.create_tables = 1};
	nitro_repo *r = open_db("derive", &o);
	struct note a = {.body = "one"}, b = {.body = "two"}, c = {.body = "gone"};
	char seen[1000];

	T_OK(nitro_entity_bind(&note_schema, r, NULL) == 0, "note bound, change logging off");
	T_EQ_INT(nitro_sql_derive(&note_schema, "note.count", count_notes, NULL), 0,
	    "a derived event: the count");
	T_EQ_INT(nitro_sql_derive(&note_schema, "", count_notes, NULL), NITRO_EINVAL,
	    "a derived event needs a topic");
	T_OK(note_save(&a) == 0 && note_save(&b) == 0, "two notes saved");
	T_EQ_STR(topics_and_payloads(r, seen, sizeof seen),
	    "note.count {\"count\":1}; note.count {\"count\":2}",
	    "each save appends the count as it is after the save");
	T_OK(nitro_sql_begin(r) == 0 && note_save(&c) == 0 && nitro_sql_rollback(r) == 0,
	    "a save rolled back");
	T_OK(note_delete(nitro_id_int(a.id)) == 0, "a note deleted");
	T_EQ_STR(topics_and_payloads(r, seen, sizeof seen),
	    "note.count {\"count\":1}; note.count {\"count\":2}; note.count {\"count\":1}",
	    "the rolled-back save left no count; the delete did");
	nitro_repo_free(r);	/* the bodies are literals: nothing to clear */
}

int main(void)
{
	char cmd[300];

	if (mkdtemp(dir) == NULL)
		return 1;
	test_by_count();
	test_by_age();
	test_rollback();
	test_per_entity();
	test_derive();
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", dir);
	return t_done();
}
