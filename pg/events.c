/*
 * The event log on PostgreSQL: events are rows of nitro_events, written on
 * the publishing thread's connection, so that an event published inside a
 * unit of work (nitro_pg_begin) commits or vanishes with the data (an
 * outbox).  NOTIFY only wakes the followers (follow.c); they read the rows.
 *
 * Ids in commit order.  A sequence hands out ids when rows are inserted,
 * not when they commit: with two publishers, 101 may commit while 100 is
 * still open, and a follower that read "id > 99" then holds 101 and will
 * never ask for 100 again.  So every publisher first takes one
 * transaction-scoped advisory lock (pg_advisory_xact_lock), and only then
 * draws its id; the lock is held until its transaction ends.  PostgreSQL
 * makes a commit visible to other sessions before it releases the
 * transaction's locks, so the next publisher draws its id only after the
 * previous one's event is visible (or rolled back, leaving a hole that
 * nobody will ever see filled).  Therefore whenever a reader sees id N,
 * every id below N that will ever commit already has: reading "id > last"
 * never skips.  The price is that publishers are serialized, including the
 * rest of a unit of work after its first publish: publish late in a
 * transaction.  (A deadlock between the lock and row locks is reported as
 * NITRO_EBUSY and the unit of work may run again.)
 *
 * The row of nitro_event_log holds the log's epoch, drawn at random when
 * the log is made, and its retention floor.  A database restored from a
 * backup, or a replica promoted after losing transactions, hands out ids
 * again for other events: the operator draws a new epoch then (see
 * nitro_pg_transport(3)), and every browser's id is of another epoch.
 */
#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/transport.h"
#include "pg/events.h"

/* The publishers' lock ("nitroevt") with the wake-up, sent at commit
 * (follow.c LISTENs on the channel), and the setup's lock ("nitrosup"). */
#define NOTIFY_SQL "SELECT pg_notify('" NITRO__PG_CHANNEL "', '')"
#define LOCK_NOTIFY_SQL \
	"SELECT pg_advisory_xact_lock(7956018251570706036), pg_notify('" NITRO__PG_CHANNEL "', '')"
#define SETUP_LOCK_SQL "SELECT pg_advisory_xact_lock(7956018251571623280)"

static atomic_int unordered;

void nitro__pg_events_unordered(int on)
{
	atomic_store(&unordered, on != 0);
}

static const char ddl[] =
	"CREATE TABLE IF NOT EXISTS nitro_events ("
	" id bigserial PRIMARY KEY,"
	" topic text NOT NULL,"
	" payload json NOT NULL,"
	" time bigint NOT NULL);"
	"CREATE INDEX IF NOT EXISTS nitro_events_time ON nitro_events(time);"
	"CREATE TABLE IF NOT EXISTS nitro_event_log ("
	" one integer PRIMARY KEY CHECK (one = 1),"
	" epoch bigint NOT NULL CHECK (epoch > 0),"
	" floor bigint NOT NULL DEFAULT 0);"
	"INSERT INTO nitro_event_log(one, epoch)"
	" VALUES (1, floor(random() * 9007199254740991)::bigint + 1)"
	" ON CONFLICT DO NOTHING;";

/* Workers starting together would race to create the same tables: the
 * setup runs under a lock of its own. */
int nitro__pg_events_setup(nitro_repo *r)
{
	struct pgrepo *pr = nitro__pg_repo(r);
	struct pgconn *c;
	int nested, rc;

	if (pr == NULL || (c = nitro__pg_conn(pr)) == NULL)
		return nitro__errcode();
	if ((rc = nitro__pg_tx_begin(c, &nested)) < 0)
		return rc;
	rc = nitro__pg_simple(c, SETUP_LOCK_SQL);
	if (rc == 0)
		rc = nitro__pg_simple(c, ddl);
	return nitro__pg_tx_end(c, nested, rc);
}

/*
 * Retention: the newest keep events (0: no count limit) none older than
 * max_age_ms (0: no age limit), on c (inside the caller's transaction when
 * there is one); the floor rises to the highest id removed, so that only
 * a reconnect from below it is told nitro.gap.
 */
static int prune(struct pgconn *c, int64_t keep, int64_t max_age_ms, size_t *removed)
{
	static const char q[] =
		"WITH d AS (DELETE FROM nitro_events WHERE"
		" ($1::bigint > 0 AND id <= (SELECT id FROM nitro_events"
		"   ORDER BY id DESC OFFSET $1::bigint LIMIT 1))"
		" OR ($2::bigint > 0 AND time < $2::bigint) RETURNING id),"
		" f AS (UPDATE nitro_event_log SET floor = greatest(floor, (SELECT max(id) FROM d))"
		"  WHERE one = 1 AND EXISTS (SELECT 1 FROM d))"
		" SELECT count(*) FROM d";
	char k[24], a[24];
	const char *vals[2] = {k, a};
	PGresult *res;

	snprintf(k, sizeof k, "%" PRId64, keep);
	snprintf(a, sizeof a, "%" PRId64, max_age_ms > 0 ? nitro_time_now() - max_age_ms : 0);
	if ((res = nitro__pg_run(c, q, 2, vals, NULL, NULL)) == NULL)
		return nitro__errcode();
	if (removed != NULL)
		*removed = (size_t)strtoull(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return 0;
}

int nitro_pg_events_prune(nitro_repo *r, size_t keep, int64_t max_age_ms, size_t *removed)
{
	struct pgrepo *pr = nitro__pg_repo(r);
	struct pgconn *c;
	size_t gone = 0;
	int nested, rc;

	if (removed != NULL)
		*removed = 0;
	if (pr == NULL)
		return nitro__errcode();
	if (max_age_ms < 0)
		return nitro_error(NITRO_EINVAL, "prune: a negative age");
	if ((c = nitro__pg_conn(pr)) == NULL)
		return nitro__errcode();
	if ((rc = nitro__pg_tx_begin(c, &nested)) < 0)
		return rc;
	/* Under the publishers' lock: the floor moves in id order too. */
	rc = nitro__pg_exec(c, LOCK_NOTIFY_SQL, 0, NULL);
	if (rc == 0)
		rc = prune(c, keep > INT64_MAX ? INT64_MAX : (int64_t)keep, max_age_ms, &gone);
	rc = nitro__pg_tx_end(c, nested, rc);
	if (rc == 0 && removed != NULL)
		*removed = gone;
	return rc;
}

/*
 * Retention runs by itself, as on SQLite, every RETAIN_EVERY appends of a
 * process and RETAIN_INTERVAL_MS after its last run, inside the append's
 * transaction (a rollback keeps what it removed).  A failure here would
 * fail the append and its transaction, so it is not tried then: the next
 * run removes what this one left.
 */
#define RETAIN_EVERY 1000
#define RETAIN_INTERVAL_MS 10000
#define EVENTS_KEEP 100000
#define EVENTS_MAX_AGE_MS (7LL * 24 * 3600 * 1000)

static atomic_uint_fast64_t appends;
static _Atomic int64_t retained_ms;

static int due(void)
{
	uint64_t n = atomic_fetch_add(&appends, 1) + 1;
	int64_t now = nitro_time_now(), last = atomic_load(&retained_ms);

	if (n % RETAIN_EVERY != 0 && now - last < RETAIN_INTERVAL_MS)
		return 0;
	return atomic_compare_exchange_strong(&retained_ms, &last, now);
}

int nitro__pg_events_append(struct pgconn *c, const char *topic, const char *json,
    size_t len, int64_t *id)
{
	static const char ins[] =
		"INSERT INTO nitro_events(topic, payload, time) VALUES ($1, $2, $3) RETURNING id";
	char now[24];
	/* json in binary format: its bytes as they are, length given (the
	 * binary form of json is its text). */
	const char *vals[3] = {topic, json, now};
	const int lens[3] = {0, (int)len, 0}, fmts[3] = {0, 1, 0};
	PGresult *res;
	int rc;

	if ((rc = nitro__topic_check(topic)) < 0)
		return rc;
	if (json == NULL)
		return nitro_error(NITRO_EINVAL, "event %s: no payload", topic);
	if (len > NITRO__PAYLOAD_MAX)
		return nitro_error(NITRO_ELIMIT, "event: a payload is at most %d bytes",
		    NITRO__PAYLOAD_MAX);
	/* The lock first, then the id (see the top of this file).  The
	 * notification is sent when the transaction commits, and only then. */
	if ((rc = nitro__pg_exec(c, atomic_load(&unordered) ? NOTIFY_SQL : LOCK_NOTIFY_SQL, 0,
	    NULL)) < 0)
		return rc;
	snprintf(now, sizeof now, "%" PRId64, nitro_time_now());
	if ((res = nitro__pg_run(c, ins, 3, vals, lens, fmts)) == NULL) {
		if (nitro_errcode() == NITRO_EINVAL)	/* 22P02: not JSON */
			return nitro_error(NITRO_EPARSE, "event %s: the payload is not valid JSON",
			    topic);
		return nitro__errcode();
	}
	if (id != NULL)
		*id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	/* Appends always run inside a transaction: a savepoint keeps a
	 * failed prune from aborting it. */
	if (due() && nitro__pg_simple(c, "SAVEPOINT nitro_retain") == 0)
		nitro__pg_simple(c, prune(c, EVENTS_KEEP, EVENTS_MAX_AGE_MS, NULL) == 0 ?
		    "RELEASE nitro_retain" : "ROLLBACK TO nitro_retain; RELEASE nitro_retain");
	return 0;
}

int nitro__pg_events_head(void *self, int64_t *id)
{
	struct pgrepo *pr = nitro__pg_repo(self);
	struct pgconn *c;
	PGresult *res;

	if (id == NULL)
		return nitro_error(NITRO_EINVAL, "events head: nowhere to put it");
	*id = 0;
	if (pr == NULL || (c = nitro__pg_conn(pr)) == NULL)
		return nitro__errcode();
	res = nitro__pg_run(c, "SELECT coalesce(max(id), 0) FROM nitro_events", 0, NULL, NULL,
	    NULL);
	if (res == NULL)
		return nitro__errcode();
	*id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return 0;
}
