/*
 * The PostgreSQL event log as a transport (<nitro/core.h>): publishing
 * appends on the calling thread's connection, inside its unit of work when
 * one is open (events.c); each hub follows with a LISTENing connection of
 * its own (follow.c).  The same transport is the repository's outbox for
 * log_changes.
 */
#include <string.h>

#include "core/error.h"
#include "pg/events.h"

static int t_publish(void *self, const char *topic, const char *json, int64_t *id)
{
	struct pgrepo *pr = nitro__pg_repo(self);
	struct pgconn *c;
	int nested, rc;

	if (pr == NULL || (c = nitro__pg_conn(pr)) == NULL)
		return nitro__errcode();
	if (json == NULL)
		return nitro_error(NITRO_EINVAL, "event %s: no payload", topic);
	/* Its own transaction, or a savepoint in the caller's unit of work:
	 * the publishers' lock is held until that commits. */
	if ((rc = nitro__pg_tx_begin(c, &nested)) < 0)
		return rc;
	rc = nitro__pg_events_append(c, topic, json, strlen(json), id);
	return nitro__pg_tx_end(c, nested, rc);
}

static int t_head(void *self, int64_t *id)
{
	return nitro__pg_events_head(self, id);
}

static void *t_follow(void *self)
{
	return nitro__pg_follow(self);
}

static int t_changed(void *reader)
{
	return nitro__pg_follower_changed(reader);
}

static int t_read(void *reader, int64_t after, size_t limit, nitro_tevent **out, size_t *n)
{
	return nitro__pg_follower_read(reader, after, limit, out, n);
}

static void t_unfollow(void *reader)
{
	nitro__pg_follower_free(reader);
}

static int t_watch_fd(void *reader)
{
	return nitro__pg_follower_fd(reader);
}

static int64_t t_epoch(void *reader)
{
	return nitro__pg_follower_epoch(reader);
}

static int t_floor(void *reader, int64_t *floor)
{
	return nitro__pg_follower_floor(reader, floor);
}

static const struct nitro_transport_ops pg_transport_ops = {
	.publish = t_publish,
	.head = t_head,
	.follow = t_follow,
	.changed = t_changed,
	.read = t_read,
	.unfollow = t_unfollow,
	.free = NULL,	/* the repository belongs to the application */
	.watch_fd = t_watch_fd,
	.epoch = t_epoch,
	.floor = t_floor,
};

/* The repository's log_changes appends through the same log. */
static int outbox(struct pgconn *c, const char *topic, const char *json, size_t len)
{
	return nitro__pg_events_append(c, topic, json, len, NULL);
}

nitro_transport *nitro_pg_transport(nitro_repo *r)
{
	if (nitro__pg_repo(r) == NULL) {
		nitro_error(NITRO_EINVAL, "transport: not a PostgreSQL repository");
		return NULL;
	}
	if (nitro__pg_events_setup(r) < 0)
		return NULL;
	nitro__pg_set_append(r, outbox);
	return nitro_transport_new(&pg_transport_ops, r);
}
