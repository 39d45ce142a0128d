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

static const struct nitro_transport_ops pg_transport_ops = {
	.publish = t_publish,
	.head = nitro__pg_events_head,
	.follow = nitro__pg_follow,
	.changed = nitro__pg_follower_changed,
	.read = nitro__pg_follower_read,
	.unfollow = nitro__pg_follower_free,
	.free = NULL,	/* the repository belongs to the application */
	.watch_fd = nitro__pg_follower_fd,
	.epoch = nitro__pg_follower_epoch,
	.floor = nitro__pg_follower_floor,
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
