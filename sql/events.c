/*
 * The durable event log (table nitro_events) and its followers.
 *
 * Appends go through the calling thread's connection, so an event written
 * inside a transaction commits or vanishes with it (an outbox).  A
 * follower keeps its own read-only connection: PRAGMA data_version on a
 * connection that never writes changes exactly when some other connection,
 * in this process or another, commits; that is the cheap "anything new?"
 * a worker polls before reading the events after the last id it saw.
 *
 * The row of nitro_event_log holds the log's epoch, drawn at random when
 * the log is created, and its retention floor, the highest id retention
 * has removed.  Ids have holes where a transaction that appended rolled
 * back, so only the floor says whether a reconnect's events are all still
 * here.  A database restored from a backup hands out again the ids issued
 * after the backup: the operator draws a new epoch then (see
 * nitro_sql_transport(3)), and every browser's id is of another epoch.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/inotify.h>
#endif

#include "core/transport.h"
#include "sql/internal.h"

#define READ_MAX 10000

struct nitro_sql_follower {
	struct sqlrepo *repo;
	sqlite3 *db;
	sqlite3_stmt *version, *read;
	int64_t last_version;
	int64_t epoch;		/* read when following; 0: no nitro_event_log */
	sqlite3_stmt *floor;
	int watch;		/* inotify on the WAL file, -1 none, -2 not tried */
};

static void retain(struct sqlconn *c);

int nitro__sql_append(struct sqlconn *c, const char *topic, const char *json, size_t len,
    int64_t *id)
{
	static const char q[] = "INSERT INTO nitro_events(topic, payload, time) VALUES(?,?,?)";
	sqlite3_stmt *st;
	int rc;

	if (len > NITRO__PAYLOAD_MAX)
		return nitro_error(NITRO_ELIMIT, "event: a payload is at most %d bytes",
		    NITRO__PAYLOAD_MAX);
	if ((st = nitro__sql_prepare(c, q, sizeof q - 1)) == NULL)
		return nitro__errcode();
	sqlite3_bind_text(st, 1, topic, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, json, (int)len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, nitro_time_now());
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_CONSTRAINT_CHECK)
		return nitro_error(NITRO_EPARSE, "event %s: the payload is not valid JSON", topic);
	if (rc != SQLITE_DONE)
		return nitro__sql_error(c->db, rc, "event log");
	if (id)
		*id = sqlite3_last_insert_rowid(c->db);
	retain(c);
	return 0;
}

int nitro__sql_event_append(nitro_repo *r, const char *topic, const char *json, int64_t *id)
{
	struct sqlconn *c = nitro__sql_repo_conn(r);
	int rc;

	if (c == NULL)
		return nitro__errcode();
	if ((rc = nitro__topic_check(topic)) < 0)
		return rc;
	if (json == NULL)
		return nitro_error(NITRO_EINVAL, "event %s: no payload", topic);
	return nitro__sql_append(c, topic, json, strlen(json), id);
}

/* Step "SELECT id, time, topic, payload ..." into an array. */
static int read_events(sqlite3 *db, sqlite3_stmt *st, int64_t after, size_t limit,
    nitro_tevent **out, size_t *n)
{
	nitro_tevent *ev = NULL;
	size_t cap = 0, k = 0;
	int rc;

	if (out == NULL || n == NULL)
		return nitro_error(NITRO_EINVAL, "events: nowhere to put them");
	*out = NULL;
	*n = 0;
	if (limit == 0 || limit > READ_MAX)
		return nitro_error(NITRO_ELIMIT, "events: read 1 to %d at a time", READ_MAX);
	sqlite3_bind_int64(st, 1, after);
	sqlite3_bind_int64(st, 2, (int64_t)limit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (k == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			nitro_tevent *grown = realloc(ev, ncap * sizeof *grown);

			if (grown == NULL) {
				rc = nitro__oom(NULL);
				goto fail;
			}
			ev = grown;
			cap = ncap;
		}
		ev[k].id = sqlite3_column_int64(st, 0);
		ev[k].time_ms = sqlite3_column_int64(st, 1);
		ev[k].topic = strdup((const char *)sqlite3_column_text(st, 2));
		ev[k].payload = strdup((const char *)sqlite3_column_text(st, 3));
		k++;
		if (ev[k - 1].topic == NULL || ev[k - 1].payload == NULL) {
			rc = nitro__oom(NULL);
			goto fail;
		}
	}
	if (rc != SQLITE_DONE) {
		rc = nitro__sql_error(db, rc, "event log");
		goto fail;
	}
	sqlite3_reset(st);
	*out = ev;
	*n = k;
	return 0;
fail:
	sqlite3_reset(st);
	nitro_tevents_free(ev, k);
	return rc;
}

static const char read_sql[] =
	"SELECT id, time, topic, payload FROM nitro_events WHERE id > ? ORDER BY id LIMIT ?";

int nitro_sql_events_after(nitro_repo *r, int64_t after, size_t limit,
    nitro_tevent **out, size_t *n)
{
	struct sqlconn *c = nitro__sql_repo_conn(r);
	sqlite3_stmt *st;

	if (c == NULL)
		return nitro__errcode();
	if ((st = nitro__sql_prepare(c, read_sql, sizeof read_sql - 1)) == NULL)
		return nitro__errcode();
	return read_events(c->db, st, after, limit, out, n);
}

int nitro_sql_events_head(nitro_repo *r, int64_t *id)
{
	static const char q[] = "SELECT coalesce(max(id), 0) FROM nitro_events";
	struct sqlconn *c = nitro__sql_repo_conn(r);
	sqlite3_stmt *st;
	int rc;

	if (c == NULL)
		return nitro__errcode();
	if (id == NULL)
		return nitro_error(NITRO_EINVAL, "events head: nowhere to put it");
	if ((st = nitro__sql_prepare(c, q, sizeof q - 1)) == NULL)
		return nitro__errcode();
	rc = sqlite3_step(st);
	*id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : nitro__sql_error(c->db, rc, "event log");
}

int nitro_sql_events_prune(nitro_repo *r, size_t keep, int64_t max_age_ms, size_t *removed)
{
	struct sqlconn *c = nitro__sql_repo_conn(r);
	size_t gone = 0;
	int rc;

	if (removed)
		*removed = 0;
	if (c == NULL)
		return nitro__errcode();
	if (max_age_ms < 0)
		return nitro_error(NITRO_EINVAL, "prune: a negative age");
	rc = nitro__sql_prune(c, keep > INT64_MAX ? INT64_MAX : (int64_t)keep, max_age_ms, &gone);
	if (rc == 0 && removed)
		*removed = gone;
	return rc;
}

int nitro__sql_prune(struct sqlconn *c, int64_t keep, int64_t max_age_ms, size_t *removed)
{
	static const char by_count[] =
		"DELETE FROM nitro_events WHERE id <= "
		"(SELECT id FROM nitro_events ORDER BY id DESC LIMIT 1 OFFSET ?) RETURNING id";
	static const char by_age[] = "DELETE FROM nitro_events WHERE time < ? RETURNING id";
	static const char raise_floor[] =
		"UPDATE nitro_event_log SET floor = max(floor, ?) WHERE one = 1";
	size_t gone = 0;
	int64_t top = 0;	/* the highest id removed */
	int nested, rc;

	*removed = 0;
	if ((rc = nitro__sql_tx_begin(c, &nested)) < 0)
		return rc;
	for (int pass = 0; pass < 2 && rc == 0; pass++) {
		sqlite3_stmt *st;

		if ((pass == 0 && keep == 0) || (pass == 1 && max_age_ms == 0))
			continue;
		st = pass == 0 ? nitro__sql_prepare(c, by_count, sizeof by_count - 1) :
		    nitro__sql_prepare(c, by_age, sizeof by_age - 1);
		if (st == NULL) {
			rc = nitro__errcode();
			break;
		}
		sqlite3_bind_int64(st, 1, pass == 0 ? keep : nitro_time_now() - max_age_ms);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			int64_t id = sqlite3_column_int64(st, 0);

			top = id > top ? id : top;
			gone++;
		}
		rc = rc == SQLITE_DONE ? 0 : nitro__sql_error(c->db, rc, "prune");
		sqlite3_reset(st);
	}
	if (rc == 0 && top > 0) {
		sqlite3_stmt *st = nitro__sql_prepare(c, raise_floor, sizeof raise_floor - 1);

		if (st == NULL) {
			rc = nitro__errcode();
		} else {
			sqlite3_bind_int64(st, 1, top);
			rc = sqlite3_step(st);
			rc = rc == SQLITE_DONE ? 0 : nitro__sql_error(c->db, rc, "prune");
			sqlite3_reset(st);
		}
	}
	rc = nitro__sql_tx_end(c, nested, rc);
	if (rc == 0)
		*removed = gone;
	return rc;
}

/* A negative option means no limit; 0 means the default. */
static int64_t retention(int64_t opt, int64_t dflt)
{
	return opt < 0 ? 0 : opt == 0 ? dflt : opt;
}

/*
 * Retention runs by itself: the log keeps a copy of every change it
 * carries, and an application has no timer to prune it with.  It runs on
 * the appending connection, inside the caller's transaction when there is
 * one (a rollback keeps what it would have removed).  A failure here does
 * not fail the append: the next run removes what this one left.
 */
static void retain(struct sqlconn *c)
{
	struct sqlrepo *sr = c->repo;
	uint64_t n = ++sr->appends;
	int64_t now = nitro_time_now(), last = sr->retained_ms;
	int64_t keep = retention(sr->o.events_keep, EVENTS_KEEP_DEFAULT);
	int64_t age = retention(sr->o.events_max_age_ms, EVENTS_MAX_AGE_DEFAULT_MS);
	size_t gone;

	if ((keep == 0 && age == 0) ||
	    (n % RETAIN_EVERY != 0 && now - last < RETAIN_INTERVAL_MS))
		return;
	sr->retained_ms = now;
	(void)nitro__sql_prune(c, keep, age, &gone);
}

/* ---- followers ------------------------------------------------------------- */

/* The epoch, read once: a log restored under running workers needs them
 * restarted anyway (their connections hold the old file).  A log older
 * than nitro_event_log (a read-only repository never creates it) has none. */
static int read_epoch(struct nitro_sql_follower *f)
{
	static const char q[] = "SELECT epoch FROM nitro_event_log WHERE one = 1";
	static const char fq[] = "SELECT floor FROM nitro_event_log WHERE one = 1";
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(f->db, q, -1, &st, NULL) != SQLITE_OK)
		return 0;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		f->epoch = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return nitro__sql_error(f->db, rc, "event log epoch");
	rc = sqlite3_prepare_v3(f->db, fq, -1, SQLITE_PREPARE_PERSISTENT, &f->floor, NULL);
	return rc == SQLITE_OK ? 0 : nitro__sql_error(f->db, rc, "event log floor");
}

int64_t nitro__sql_follower_epoch(nitro_sql_follower *f)
{
	return f->epoch;
}

int nitro__sql_follower_floor(nitro_sql_follower *f, int64_t *floor)
{
	int rc;

	*floor = 0;
	if (f->floor == NULL)
		return 0;	/* no nitro_event_log: nothing was pruned past a floor */
	rc = sqlite3_step(f->floor);
	if (rc == SQLITE_ROW)
		*floor = sqlite3_column_int64(f->floor, 0);
	sqlite3_reset(f->floor);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : nitro__sql_error(f->db, rc, "floor");
}

nitro_sql_follower *nitro_sql_follow(nitro_repo *r)
{
	struct nitro_sql_follower *f;
	int rc;

	if (r == NULL || r->ops != &nitro__sql_ops) {
		nitro_error(NITRO_EINVAL, "follow: not a SQLite repository");
		return NULL;
	}
	if ((f = calloc(1, sizeof *f)) == NULL) {
		nitro__oom(NULL);
		return NULL;
	}
	f->repo = (struct sqlrepo *)r;
	f->watch = -2;
	if (nitro__sql_open(f->repo, f->repo->o.readonly, &f->db) < 0)
		goto fail;
	rc = sqlite3_prepare_v3(f->db, "PRAGMA data_version", -1, SQLITE_PREPARE_PERSISTENT,
	    &f->version, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v3(f->db, read_sql, -1, SQLITE_PREPARE_PERSISTENT,
		    &f->read, NULL);
	if (rc != SQLITE_OK) {
		nitro__sql_error(f->db, rc, "follow");
		goto fail;
	}
	if (nitro_sql_follower_changed(f) < 0 || read_epoch(f) < 0)
		goto fail;
	return f;
fail:
	nitro_sql_follower_free(f);
	return NULL;
}

int nitro_sql_follower_changed(nitro_sql_follower *f)
{
	int64_t v;
	int rc;

	if (f == NULL)
		return nitro_error(NITRO_EINVAL, "follower: none");
	rc = sqlite3_step(f->version);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(f->version);
		return nitro__sql_error(f->db, rc, "data_version");
	}
	v = sqlite3_column_int64(f->version, 0);
	sqlite3_reset(f->version);
	rc = v != f->last_version;
	f->last_version = v;
	return rc;
}

int nitro_sql_follower_read(nitro_sql_follower *f, int64_t after, size_t limit,
    nitro_tevent **out, size_t *n)
{
	if (f == NULL)
		return nitro_error(NITRO_EINVAL, "follower: none");
	return read_events(f->db, f->read, after, limit, out, n);
}

/*
 * Every commit in WAL mode writes the -wal file, in whichever process it
 * happens, and inotify says so without polling.  The WAL index is updated
 * after the last write, so a wake-up may come just before the commit
 * shows to data_version: look once more shortly after one that found
 * nothing.  Without a WAL file (not created yet, another journal mode, a
 * filesystem without inotify) there is no descriptor and polling alone
 * finds every change.
 */
int nitro_sql_follower_fd(nitro_sql_follower *f)
{
	if (f == NULL)
		return nitro_error(NITRO_EINVAL, "follower: none");
#ifdef __linux__
	if (f->watch == -2) {
		const char *db = sqlite3_db_filename(f->db, "main");
		char wal[4096];
		int n, fd;

		f->watch = -1;
		if (db == NULL || *db == '\0')
			return -1;
		n = snprintf(wal, sizeof wal, "%s-wal", db);
		if (n < 0 || (size_t)n >= sizeof wal)
			return -1;
		if ((fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) < 0)
			return -1;
		if (inotify_add_watch(fd, wal, IN_MODIFY) < 0) {
			close(fd);
			return -1;
		}
		f->watch = fd;
	}
	return f->watch;
#else
	return -1;
#endif
}

void nitro_sql_follower_free(nitro_sql_follower *f)
{
	if (f == NULL)
		return;
	if (f->watch >= 0)
		close(f->watch);
	sqlite3_finalize(f->version);
	sqlite3_finalize(f->read);
	sqlite3_finalize(f->floor);
	sqlite3_close(f->db);
	free(f);
}
