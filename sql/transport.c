/*
 * The event log as a transport (<nitro/core.h>): publishing appends on the
 * calling thread's connection, and each hub follows with its own
 * connection, polling PRAGMA data_version and woken by inotify when the
 * WAL file is written.  That carries events between the worker processes
 * of one machine with no server to run.
 */
#include "sql/internal.h"

static int t_publish(void *self, const char *topic, const char *json, int64_t *id)
{
	return nitro__sql_event_append(self, topic, json, id);
}

static int t_head(void *self, int64_t *id)
{
	return nitro_sql_events_head(self, id);
}

static void *t_follow(void *self)
{
	return nitro_sql_follow(self);
}

static int t_changed(void *reader)
{
	return nitro_sql_follower_changed(reader);
}

static int t_read(void *reader, int64_t after, size_t limit, nitro_tevent **out, size_t *n)
{
	return nitro_sql_follower_read(reader, after, limit, out, n);
}

static int t_watch_fd(void *reader)
{
	return nitro_sql_follower_fd(reader);
}

static int64_t t_epoch(void *reader)
{
	return nitro__sql_follower_epoch(reader);
}

static int t_floor(void *reader, int64_t *floor)
{
	return nitro__sql_follower_floor(reader, floor);
}

static void t_unfollow(void *reader)
{
	nitro_sql_follower_free(reader);
}

static const struct nitro_transport_ops sql_transport_ops = {
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

nitro_transport *nitro_sql_transport(nitro_repo *r)
{
	if (r == NULL || r->ops != &nitro__sql_ops) {
		nitro_error(NITRO_EINVAL, "transport: not a SQLite repository");
		return NULL;
	}
	return nitro_transport_new(&sql_transport_ops, r);
}
