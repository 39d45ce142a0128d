/*
 * The event transport: a thin wrapper around an implementation's
 * operations (see <nitro/core.h>), plus the hook that wakes this process's
 * hub when an event is published here.
 */
#include <stdlib.h>

#include "core/transport.h"

nitro_transport *nitro_transport_new(const struct nitro_transport_ops *ops, void *self)
{
	nitro_transport *t;

	if (ops == NULL || ops->publish == NULL || ops->head == NULL ||
	    ops->follow == NULL || ops->changed == NULL || ops->read == NULL ||
	    ops->unfollow == NULL) {
		nitro_error(NITRO_EINVAL, "transport: every operation but free and watch_fd is required");
		return NULL;
	}
	t = calloc(1, sizeof *t);
	if (t == NULL) {
		nitro_error(NITRO_ENOMEM, "transport: out of memory");
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
