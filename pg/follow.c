/*
 * Followers of the PostgreSQL event log: each has a connection of its own
 * that LISTENs on the channel publishers NOTIFY at commit (events.c).  A
 * notification only says "look": the follower reads the rows after the
 * last id it saw, so a notification lost (a NOTIFY queue that overflowed,
 * a connection that broke between commit and delivery) costs a little
 * delay, never an event.  It looks
 *   - when a notification came (the socket turned readable),
 *   - after it connected again (the server restarted, the connection was
 *     killed): everything committed meanwhile is read then,
 *   - and every BACKSTOP_MS anyway, the slow poll that bounds the delay of
 *     a lost notification.
 *
 * The hub waits on a descriptor that must stay the same while the socket
 * changes with every connection: the follower keeps an epoll instance of
 * its own holding the current socket, which is readable exactly when the
 * socket is.  The hub never reads it (reading an epoll descriptor reads
 * nothing); changed() consumes the socket's input through libpq.
 *
 * A server that crashed with synchronous_commit off, or a replica promoted
 * before it had everything, has lost transactions that followers already
 * read, and its sequence hands their ids out again for other events.  So
 * after every reconnect the follower looks for the newest event it read:
 * when that id is gone (and not pruned) or holds another event, the log
 * went back, and the follower draws a new epoch for it (once, whichever
 * follower sees it first): every browser is then told nitro.gap instead
 * of being sent other events under ids it already holds.
 *
 * While the server is away, changed() tries again after RETRY_MIN_MS,
 * doubling up to RETRY_MAX_MS, and says nothing changed meanwhile; each
 * attempt blocks the hub for at most the connect timeout.  Every query
 * waits at most the statement timeout and 2 s more (nitro__pg_answer): a
 * server process that stopped (SIGSTOP, a host frozen) holds the hub that
 * long, then the connection is dropped and made again.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/error.h"
#include "pg/events.h"
#include "pg/internal.h"

#define BACKSTOP_MS 2000
#define RETRY_MIN_MS 100
#define RETRY_MAX_MS 5000

struct pgfollower {
	nitro_repo *repo;
	PGconn *pg;		/* NULL while the server is away */
	int ep;			/* epoll holding pg's socket: the watch descriptor */
	int sock;		/* the socket in ep, or -1 */
	int64_t epoch;		/* read at every connect and backstop */
	int64_t top_id, top_time;	/* the newest event read, to check after a reconnect */
	int64_t last_look;	/* ms: when changed() last said 1 */
	int64_t retry_at;	/* ms: the next connection attempt */
	int64_t backoff;	/* ms */
	int statement_ms;	/* the repository's statement timeout */
};

/* PQexecParams (PQexec when n is 0: sql may hold several statements) on
 * f's connection, bounded by nitro__pg_answer. */
static PGresult *run(struct pgfollower *f, const char *sql, int n, const char *const *vals)
{
	int late;
	int sent = n == 0 ? PQsendQuery(f->pg, sql) :
	    PQsendQueryParams(f->pg, sql, n, NULL, vals, NULL, NULL, 0);

	return nitro__pg_answer(f->pg, sent, f->statement_ms, &late);
}

/* One value of a one-row query on f's connection: 0, or NITRO_E*. */
static int one_value(struct pgfollower *f, const char *sql, int n, const char *const *vals,
    int64_t *v, const char *what)
{
	PGresult *res = run(f, sql, n, vals);
	int rc = 0;

	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		rc = nitro__pg_error(f->pg, res, what);
	else
		*v = PQntuples(res) > 0 ? strtoll(PQgetvalue(res, 0, 0), NULL, 10) : 0;
	PQclear(res);
	return rc;
}

static void disconnect(struct pgfollower *f)
{
	if (f->sock >= 0)
		epoll_ctl(f->ep, EPOLL_CTL_DEL, f->sock, NULL);
	f->sock = -1;
	PQfinish(f->pg);
	f->pg = NULL;
	f->retry_at = nitro__now_ms() + f->backoff;
	f->backoff = f->backoff * 2 > RETRY_MAX_MS ? RETRY_MAX_MS : f->backoff * 2;
}

/* After a reconnect: is the newest event read still there, the same?  If
 * not, the log went back: draw a new epoch unless another follower did. */
static int check_went_back(struct pgfollower *f)
{
	char id[24], ep[24];
	const char *vals[2] = {id, ep};
	int64_t same = 0, floor = 0;
	int rc;

	if (f->top_id == 0)
		return 0;
	snprintf(id, sizeof id, "%lld", (long long)f->top_id);
	snprintf(ep, sizeof ep, "%lld", (long long)f->top_time);
	rc = one_value(f, "SELECT count(*) FROM nitro_events WHERE id = $1 AND time = $2", 2,
	    vals, &same, "event log");
	if (rc == 0 && same == 0)
		rc = one_value(f, "SELECT floor FROM nitro_event_log", 0, NULL, &floor, "floor");
	if (rc != 0 || same == 1 || f->top_id <= floor)
		return rc;
	nitro_log(NITRO_LOG_WARN, "events: the log lost events that were read (a crash "
	    "without synchronous_commit, or a failover); a new epoch re-renders every stream",
	    NULL);
	snprintf(ep, sizeof ep, "%lld", (long long)f->epoch);
	rc = one_value(f, "WITH u AS (UPDATE nitro_event_log"
	    " SET epoch = floor(random() * 9007199254740991)::bigint + 1"
	    " WHERE one = 1 AND epoch = $1 RETURNING epoch) SELECT count(*) FROM u", 1,
	    vals + 1, &same, "new epoch");
	if (rc == 0)
		rc = one_value(f, "SELECT epoch FROM nitro_event_log", 0, NULL, &f->epoch,
		    "event log epoch");
	f->top_id = f->top_time = 0;
	return rc;
}

/* Connect, LISTEN and read the epoch: 0, or NITRO_E* (disconnected). */
static int connect_follower(struct pgfollower *f)
{
	struct epoll_event ev = {.events = EPOLLIN};
	PGresult *res;
	int rc;

	if ((f->pg = nitro__pg_connect(f->repo)) == NULL) {
		rc = nitro__errcode();
		disconnect(f);
		return rc;
	}
	/* Named, so that an operator (or a test) can find it in
	 * pg_stat_activity. */
	res = run(f, "SET application_name = 'nitro-listen'; LISTEN " NITRO__PG_CHANNEL, 0, NULL);
	rc = PQresultStatus(res) == PGRES_COMMAND_OK ? 0 : nitro__pg_error(f->pg, res, "listen");
	PQclear(res);
	if (rc == 0)
		rc = one_value(f, "SELECT epoch FROM nitro_event_log", 0, NULL, &f->epoch,
		    "event log epoch");
	if (rc == 0)
		rc = check_went_back(f);
	if (rc == 0) {
		f->sock = ev.data.fd = PQsocket(f->pg);
		if (epoll_ctl(f->ep, EPOLL_CTL_ADD, f->sock, &ev) != 0) {
			f->sock = -1;
			rc = nitro_error(NITRO_EIO, "follow: epoll: %s", strerror(errno));
		}
	}
	if (rc != 0) {
		disconnect(f);
		return rc;
	}
	f->backoff = RETRY_MIN_MS;
	return 0;
}

void *nitro__pg_follow(void *self)
{
	struct pgfollower *f = calloc(1, sizeof *f);

	if (f == NULL) {
		nitro__oom("follow");
		return NULL;
	}
	f->repo = self;
	f->statement_ms = nitro__pg_repo(self)->o.statement_timeout_ms;
	f->sock = -1;
	f->backoff = RETRY_MIN_MS;
	if ((f->ep = epoll_create1(EPOLL_CLOEXEC)) < 0) {
		nitro_error(NITRO_EIO, "follow: epoll: %s", strerror(errno));
		free(f);
		return NULL;
	}
	if (connect_follower(f) != 0) {
		nitro__pg_follower_free(f);
		return NULL;
	}
	f->last_look = nitro__now_ms();
	return f;
}

int nitro__pg_follower_changed(void *reader)
{
	struct pgfollower *f = reader;
	int64_t now = nitro__now_ms();
	PGnotify *n;
	int woken = 0;

	if (f->pg == NULL) {
		if (now < f->retry_at || connect_follower(f) != 0)
			return 0;
		f->last_look = now;
		return 1;	/* back: read what was committed meanwhile */
	}
	if (!PQconsumeInput(f->pg) || PQstatus(f->pg) != CONNECTION_OK) {
		nitro_log(NITRO_LOG_WARN, "events: the listening connection was lost",
		    "error", PQerrorMessage(f->pg), NULL);
		disconnect(f);
		f->retry_at = now;	/* at once: a restart is usually quick */
		return nitro__pg_follower_changed(f);
	}
	while ((n = PQnotifies(f->pg)) != NULL) {
		PQfreemem(n);
		woken = 1;
	}
	if (!woken && now - f->last_look < BACKSTOP_MS)
		return 0;
	if (!woken) {
		/* The backstop: also notices an epoch drawn anew meanwhile. */
		if (one_value(f, "SELECT epoch FROM nitro_event_log", 0, NULL, &f->epoch,
		    "event log epoch") != 0) {
			disconnect(f);
			return 0;
		}
	}
	f->last_look = now;
	return 1;
}

int nitro__pg_follower_read(void *reader, int64_t after, size_t limit,
    nitro_tevent **out, size_t *n)
{
	struct pgfollower *f = reader;
	char a[24], l[24];
	const char *vals[2] = {a, l};
	nitro_tevent *ev;
	PGresult *res;
	int k, rc;

	if (out == NULL || n == NULL)
		return nitro_error(NITRO_EINVAL, "events: nowhere to put them");
	*out = NULL;
	*n = 0;
	if (limit == 0 || limit > PG_EVENTS_READ_MAX)
		return nitro_error(NITRO_ELIMIT, "events: read 1 to %d at a time",
		    PG_EVENTS_READ_MAX);
	if (f->pg == NULL)
		return nitro_error(NITRO_EUNAVAILABLE, "events: the database is away");
	snprintf(a, sizeof a, "%lld", (long long)after);
	snprintf(l, sizeof l, "%zu", limit);
	res = run(f, "SELECT id, time, topic, payload FROM nitro_events"
	    " WHERE id > $1 ORDER BY id LIMIT $2", 2, vals);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		rc = nitro__pg_error(f->pg, res, "event log");
		PQclear(res);
		if (PQstatus(f->pg) != CONNECTION_OK) {
			disconnect(f);
			f->retry_at = 0;	/* the next changed() connects again */
		}
		return rc;
	}
	k = PQntuples(res);
	if (k > 0 && (ev = calloc((size_t)k, sizeof *ev)) == NULL) {
		PQclear(res);
		return nitro__oom(NULL);
	}
	for (int i = 0; i < k; i++) {
		ev[i].id = strtoll(PQgetvalue(res, i, 0), NULL, 10);
		ev[i].time_ms = strtoll(PQgetvalue(res, i, 1), NULL, 10);
		ev[i].topic = strdup(PQgetvalue(res, i, 2));
		ev[i].payload = strdup(PQgetvalue(res, i, 3));
		if (ev[i].topic == NULL || ev[i].payload == NULL) {
			nitro_tevents_free(ev, (size_t)i + 1);
			PQclear(res);
			return nitro__oom(NULL);
		}
	}
	PQclear(res);
	if (k > 0 && ev[k - 1].id > f->top_id) {
		f->top_id = ev[k - 1].id;
		f->top_time = ev[k - 1].time_ms;
	}
	*out = k > 0 ? ev : NULL;
	*n = (size_t)k;
	return 0;
}

int nitro__pg_follower_fd(void *reader)
{
	struct pgfollower *f = reader;
	return f->ep;
}

int64_t nitro__pg_follower_epoch(void *reader)
{
	struct pgfollower *f = reader;
	return f->epoch;
}

int nitro__pg_follower_floor(void *reader, int64_t *floor)
{
	struct pgfollower *f = reader;
	*floor = 0;
	if (f->pg == NULL)
		return nitro_error(NITRO_EUNAVAILABLE, "events: the database is away");
	return one_value(f, "SELECT floor FROM nitro_event_log", 0, NULL, floor,
	    "event log floor");
}

void nitro__pg_follower_free(void *reader)
{
	struct pgfollower *f = reader;
	if (f == NULL)
		return;
	PQfinish(f->pg);
	if (f->ep >= 0)
		close(f->ep);
	free(f);
}
