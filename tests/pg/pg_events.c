/*
 * The PostgreSQL event transport, driven by tests/pg/test_pg_events.sh
 * against a throwaway cluster ($PG_URL):
 *
 *   pg_events check
 *       In-process checks (TAP): the outbox (an event published inside a
 *       unit of work commits with it or vanishes with it, and a rolled-back
 *       id is never seen), head, epoch, the retention floor, bad input.
 *   pg_events publish N MAX_DELAY_MS GAP_MS [unordered]
 *       N events on topic t.n, each in a unit of work of its own that
 *       sleeps a random 0..MAX_DELAY_MS after publishing and before
 *       committing (so that commits leave id order unless the publishers
 *       are serialized), GAP_MS apart.  "unordered" switches the ordering
 *       guard off (nitro__pg_events_unordered, tests only).  The payload
 *       carries the CLOCK_REALTIME publish time in ns.
 *   pg_events follow SECONDS EXPECT watch|spin
 *       Follow the log as the hub does, from its head now: "watch" waits
 *       on the transport's descriptor (NOTIFY) and reads when changed()
 *       says so; "spin" reads every millisecond whatever it says.  Prints
 *       "# ready", then "<id> <latency us>" per event, and stops after
 *       EXPECT events (exit 0) or SECONDS (exit 3).  When the log's epoch
 *       changes it prints "# epoch" and goes on from the head, as the hub
 *       does.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "core/transport.h"
#include "pg/events.h"
#include "tests/pg/pg_test.h"
#include "tests/unit/t.h"

static int64_t real_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static nitro_repo *open_repo(const char *url)
{
	nitro_repo *r = nitro_pgrepo_new(url, NULL);

	if (r == NULL)
		fprintf(stderr, "pg_events: %s\n", nitro_errmsg());
	return r;
}

static int64_t count_sql(const char *url, const char *sql)
{
	PGconn *pg = PQconnectdb(url);
	PGresult *res = PQexec(pg, sql);
	int64_t v = PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1 ?
	    strtoll(PQgetvalue(res, 0, 0), NULL, 10) : -1;

	PQclear(res);
	PQfinish(pg);
	return v;
}

static int check(const char *url)
{
	nitro_repo *r = open_repo(url);
	nitro_transport *t = r ? nitro_pg_transport(r) : NULL;
	struct nitro_treader rd = {0};
	nitro_tevent *ev = NULL;
	int64_t head = -1, id = 0, id2 = 0, floor = -1, epoch;
	size_t n = 0, gone = 0;

	if (!T_OK(t != NULL, "a transport on the PostgreSQL repository"))
		return t_done();
	T_OK(nitro_pg_transport(NULL) == NULL && nitro_errcode() == NITRO_EINVAL,
	    "not on NULL");
	T_EQ_INT(nitro__treader_open(&rd, t), 0, "followed");
	T_EQ_INT(nitro__transport_head(t, &head), 0, "head");
	epoch = nitro__treader_epoch(&rd);
	T_OK(epoch > 0, "the log has an epoch");
	T_EQ_INT(count_sql(url, "SELECT epoch FROM nitro_event_log"), epoch,
	    "the one in nitro_event_log");
	nitro_transport *t2 = nitro_pg_transport(r);
	T_OK(t2 != NULL, "a second transport on the same database");
	nitro_transport_free(t2);
	T_EQ_INT(count_sql(url, "SELECT epoch FROM nitro_event_log"), epoch,
	    "keeps the epoch (drawn once, when the log was made)");

	/* ---- the outbox ---- */
	T_EQ_INT(nitro_pg_begin(r), 0, "begin");
	T_EQ_INT(nitro_publish(t, "t.kept", "{\"a\":1}", &id), 0, "publish inside it");
	T_EQ_INT(count_sql(url, "SELECT count(*) FROM nitro_events WHERE topic = 't.kept'"), 0,
	    "other connections do not see it yet");
	nitro__treader_changed(&rd);
	T_EQ_INT(nitro__treader_read(&rd, head, 10, &ev, &n), 0, "the follower reads");
	T_EQ_INT(n, 0, "and finds nothing before the commit");
	nitro_tevents_free(ev, n);
	T_EQ_INT(nitro_pg_commit(r), 0, "commit");
	T_EQ_INT(nitro__treader_read(&rd, head, 10, &ev, &n), 0, "read after the commit");
	T_OK(n == 1 && ev[0].id == id && strcmp(ev[0].topic, "t.kept") == 0 &&
	    strcmp(ev[0].payload, "{\"a\":1}") == 0, "the event committed with the work");
	nitro_tevents_free(ev, n);
	T_EQ_INT(nitro_pg_begin(r), 0, "begin");
	T_EQ_INT(nitro_publish(t, "t.dropped", "{}", &id2), 0, "publish inside it");
	T_EQ_INT(nitro_pg_rollback(r), 0, "roll back");
	T_EQ_INT(count_sql(url, "SELECT count(*) FROM nitro_events WHERE topic = 't.dropped'"), 0,
	    "the event went with the work");
	T_EQ_INT(nitro_publish(t, "t.after", "{}", &head), 0, "publish after it (no unit of work)");
	T_OK(id2 > id && head > id2, "ids only grow: the rolled-back id is a hole, never reused");
	T_EQ_INT(nitro__treader_read(&rd, id, 10, &ev, &n), 0, "read after the kept one");
	T_OK(n == 1 && ev[0].id == head && strcmp(ev[0].topic, "t.after") == 0,
	    "the follower sees the next committed event, across the hole");
	nitro_tevents_free(ev, n);

	/* ---- bad input ---- */
	T_EQ_INT(nitro_publish(t, "t.bad", "{not json", NULL), NITRO_EPARSE, "not JSON");
	T_EQ_INT(nitro_publish(t, "bad topic", "{}", NULL), NITRO_EINVAL, "a topic with a space");
	T_EQ_INT(nitro__treader_read(&rd, 0, 0, &ev, &n), NITRO_ELIMIT, "a read of nothing");

	/* ---- retention and its floor ---- */
	for (int i = 0; i < 5; i++)
		nitro_publish(t, "t.fill", "{}", &head);
	T_EQ_INT(nitro__treader_floor(&rd, &floor), 0, "the floor");
	T_EQ_INT(floor, 0, "is 0 before anything was pruned");
	T_EQ_INT(nitro_pg_events_prune(r, 2, 0, &gone), 0, "prune to the newest 2");
	T_EQ_INT(count_sql(url, "SELECT count(*) FROM nitro_events"), 2, "2 are left");
	T_EQ_INT(nitro__treader_floor(&rd, &floor), 0, "the floor");
	T_EQ_INT(floor, head - 2, "is the highest id removed");
	T_EQ_INT(nitro_pg_events_prune(r, 0, -1, NULL), NITRO_EINVAL, "a negative age");
	T_EQ_INT(nitro_pg_events_prune(NULL, 0, 0, NULL), NITRO_EINVAL, "not on NULL");

	/* ---- the guard switch is for tests, process-wide ---- */
	nitro__pg_events_unordered(1);
	T_EQ_INT(nitro_publish(t, "t.unordered", "{}", &id), 0, "publishing without the guard");
	nitro__pg_events_unordered(0);
	T_OK(id > head, "still takes the next id");

	nitro__treader_close(&rd);
	nitro_transport_free(t);
	nitro_repo_free(r);
	return t_done();
}

static int publish(const char *url, int n, int max_delay, int gap, int unordered)
{
	nitro_repo *r = open_repo(url);
	nitro_transport *t = r ? nitro_pg_transport(r) : NULL;
	char json[80];
	int bad = 0;

	if (t == NULL) {
		fprintf(stderr, "pg_events: %s\n", nitro_errmsg());
		return 1;
	}
	nitro__pg_events_unordered(unordered);
	srand((unsigned)(getpid() ^ real_ns()));
	for (int i = 0; i < n; i++) {
		int rc;

		snprintf(json, sizeof json, "{\"ns\":%" PRId64 ",\"pid\":%d}", real_ns(),
		    (int)getpid());
		if ((rc = nitro_pg_begin(r)) == 0) {
			rc = nitro_publish(t, "t.n", json, NULL);
			if (max_delay > 0)
				usleep((useconds_t)(rand() % (max_delay * 1000 + 1)));
			rc = rc == 0 ? nitro_pg_commit(r) : (nitro_pg_rollback(r), rc);
		}
		if (rc != 0) {
			fprintf(stderr, "pg_events: publish: %s\n", nitro_errmsg());
			bad++;
		}
		if (gap > 0)
			usleep((useconds_t)gap * 1000);
	}
	printf("published %d failed %d\n", n - bad, bad);
	nitro_transport_free(t);
	nitro_repo_free(r);
	return bad != 0;
}

static int follow(const char *url, int seconds, int expect, int spin)
{
	nitro_repo *r = open_repo(url);
	nitro_transport *t = r ? nitro_pg_transport(r) : NULL;
	struct nitro_treader rd = {0};
	struct epoll_event wev = {.events = EPOLLIN};
	int64_t last = 0, deadline, epoch;
	int ep, got = 0;

	if (t == NULL || nitro__treader_open(&rd, t) != 0 ||
	    nitro__transport_head(t, &last) != 0) {
		fprintf(stderr, "pg_events: %s\n", nitro_errmsg());
		return 1;
	}
	ep = epoll_create1(0);
	epoll_ctl(ep, EPOLL_CTL_ADD, nitro__treader_watch_fd(&rd), &wev);
	epoch = nitro__treader_epoch(&rd);
	printf("# ready\n");
	fflush(stdout);
	deadline = real_ns() + (int64_t)seconds * 1000000000;
	while (got < expect && real_ns() < deadline) {
		nitro_tevent *ev;
		size_t n;
		int changed;

		epoll_wait(ep, &wev, 1, spin ? 1 : 50);
		changed = nitro__treader_changed(&rd);
		if (nitro__treader_epoch(&rd) != epoch) {
			epoch = nitro__treader_epoch(&rd);
			nitro__transport_head(t, &last);
			printf("# epoch\n");
		}
		if (!spin && changed <= 0)
			continue;
		if (nitro__treader_read(&rd, last, 1000, &ev, &n) != 0) {
			printf("# read failed: %s\n", nitro_errmsg());
			continue;
		}
		for (size_t i = 0; i < n; i++) {
			const char *p = strstr(ev[i].payload, "\"ns\":");
			int64_t ns = p ? strtoll(p + 5, NULL, 10) : 0;

			printf("%" PRId64 " %" PRId64 "\n", ev[i].id,
			    ns > 0 ? (real_ns() - ns) / 1000 : -1);
			last = ev[i].id;
			got++;
		}
		fflush(stdout);
		nitro_tevents_free(ev, n);
	}
	close(ep);
	nitro__treader_close(&rd);
	nitro_transport_free(t);
	nitro_repo_free(r);
	return got >= expect ? 0 : 3;
}

int main(int argc, char **argv)
{
	const char *url = pgt_url();

	nitro_log_set_level(NITRO_LOG_OFF);
	if (argc == 2 && strcmp(argv[1], "check") == 0)
		return check(url);
	if (argc >= 5 && strcmp(argv[1], "publish") == 0)
		return publish(url, atoi(argv[2]), atoi(argv[3]), atoi(argv[4]),
		    argc > 5 && strcmp(argv[5], "unordered") == 0);
	if (argc == 5 && strcmp(argv[1], "follow") == 0)
		return follow(url, atoi(argv[2]), atoi(argv[3]), strcmp(argv[4], "spin") == 0);
	fprintf(stderr, "usage: pg_events check | publish N MAX_DELAY_MS GAP_MS [unordered]"
	    " | follow SECONDS EXPECT watch|spin\n");
	return 2;
}
