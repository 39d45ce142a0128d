/*
 * The event transport: a thin wrapper around an implementation's
 * operations (see <nitro/core.h>), plus the hook that wakes this process's
 * hub when an event is published here.
 */
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/transport.h"

nitro_transport *nitro_transport_new(const struct nitro_transport_ops *ops, void *self)
{
	nitro_transport *t;

	if (ops == NULL || ops->publish == NULL || ops->head == NULL ||
	    ops->follow == NULL || ops->changed == NULL || ops->read == NULL ||
	    ops->unfollow == NULL) {
		nitro_error(NITRO_EINVAL, "transport: every operation but free, watch_fd, epoch and floor is required");
		return NULL;
	}
	t = calloc(1, sizeof *t);
	if (t == NULL) {
		nitro__oom("transport");
		return NULL;
	}
	t->ops = ops;
	t->self = self;
	return t;
}

void nitro_transport_free(nitro_transport *t)
{
	if (t == NULL)
		return;
	if (t->ops->free != NULL)
		t->ops->free(t->self);
	free(t);
}

int nitro__topic_check(const char *topic)
{
	size_t n;

	if (topic == NULL || (n = strlen(topic)) == 0 || n > NITRO__TOPIC_MAX)
		return nitro_error(NITRO_EINVAL, "event: a topic of 1 to %d bytes is needed",
		    NITRO__TOPIC_MAX);
	for (; *topic; topic++)
		if ((unsigned char)*topic < 0x21 || *topic == 0x7f)
			return nitro_error(NITRO_EINVAL, "event: a topic is printable, no spaces");
	return 0;
}

void nitro__transport_on_publish(nitro_transport *t, void (*wake)(void *), void *arg)
{
	t->wake_arg = arg;
	t->wake = wake;
}

int nitro_publish(nitro_transport *t, const char *topic, const char *json, int64_t *id)
{
	int rc;

	if (t == NULL || topic == NULL || *topic == '\0' || json == NULL)
		return nitro_error(NITRO_EINVAL, "publish: a transport, a topic and JSON");
	rc = t->ops->publish(t->self, topic, json, id);
	if (rc == 0 && t->wake != NULL)
		t->wake(t->wake_arg);
	return rc;
}

int nitro__transport_head(nitro_transport *t, int64_t *id)
{
	return t->ops->head(t->self, id);
}

int nitro__treader_open(struct nitro_treader *r, nitro_transport *t)
{
	r->t = t;
	/* The transport's message says why it cannot. */
	return (r->self = t->ops->follow(t->self)) != NULL ? 0 : nitro__errcode();
}

void nitro__treader_close(struct nitro_treader *r)
{
	if (r->self != NULL)
		r->t->ops->unfollow(r->self);
	r->self = NULL;
}

int nitro__treader_changed(struct nitro_treader *r)
{
	return r->t->ops->changed(r->self);
}

int nitro__treader_read(struct nitro_treader *r, int64_t after, size_t limit,
    nitro_tevent **out, size_t *n)
{
	return r->t->ops->read(r->self, after, limit, out, n);
}

int nitro__treader_watch_fd(struct nitro_treader *r)
{
	return r->t->ops->watch_fd != NULL ? r->t->ops->watch_fd(r->self) : -1;
}

int64_t nitro__treader_epoch(struct nitro_treader *r)
{
	return r->t->ops->epoch != NULL ? r->t->ops->epoch(r->self) : 0;
}

int nitro__treader_floor(struct nitro_treader *r, int64_t *floor)
{
	if (r->t->ops->floor == NULL)
		return 1;
	return r->t->ops->floor(r->self, floor);
}

void nitro_tevents_free(nitro_tevent *ev, size_t n)
{
	if (ev == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		free(ev[i].topic);
		free(ev[i].payload);
	}
	free(ev);
}
