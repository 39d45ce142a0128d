/*
 * An in-memory transport: the recent events of one process in a ring.  A
 * hub uses it when the application set no transport, so that live streams
 * and reconnect replay work the same way within a single process.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/transport.h"

struct memt {
	pthread_mutex_t mu;
	nitro_tevent *ring;	/* ring[id % cap] holds event id */
	size_t cap;
	int64_t head;		/* newest id; ids start at 1 */
	atomic_llong version;
};

struct memt_reader {
	struct memt *m;
	long long seen_version;
};

static int m_publish(void *self, const char *topic, const char *json, int64_t *id)
{
	struct memt *m = self;
	char *t = strdup(topic), *p = strdup(json);
	nitro_tevent *slot;

	if (t == NULL || p == NULL) {
		free(t);
		free(p);
		return nitro__oom("publish");
	}
	pthread_mutex_lock(&m->mu);
	m->head++;
	slot = &m->ring[(size_t)m->head % m->cap];
	free(slot->topic);
	free(slot->payload);
	slot->id = m->head;
	slot->time_ms = nitro_time_now();
	slot->topic = t;
	slot->payload = p;
	if (id)
		*id = m->head;
	pthread_mutex_unlock(&m->mu);
	atomic_fetch_add(&m->version, 1);
	return 0;
}

static int m_head(void *self, int64_t *id)
{
	struct memt *m = self;

	pthread_mutex_lock(&m->mu);
	*id = m->head;
	pthread_mutex_unlock(&m->mu);
	return 0;
}

static void *m_follow(void *self)
{
	struct memt_reader *r = calloc(1, sizeof *r);

	if (r == NULL) {
		nitro__oom("follow");
		return NULL;
	}
	r->m = self;
	r->seen_version = atomic_load(&r->m->version);
	return r;
}

static int m_changed(void *reader)
{
	struct memt_reader *r = reader;
	long long v = atomic_load(&r->m->version);
	int changed = v != r->seen_version;

	r->seen_version = v;
	return changed;
}

static int m_read(void *reader, int64_t after, size_t limit, nitro_tevent **out, size_t *n)
{
	struct memt *m = ((struct memt_reader *)reader)->m;
	nitro_tevent *ev;
	int64_t first, id;
	size_t k = 0;

	*out = NULL;
	*n = 0;
	pthread_mutex_lock(&m->mu);
	/* The oldest retained id is head - cap + 1. */
	first = m->head - (int64_t)m->cap + 1;
	if (first < 1)
		first = 1;
	if (after + 1 > first)
		first = after + 1;
	if (first > m->head || limit == 0) {
		pthread_mutex_unlock(&m->mu);
		return 0;
	}
	if ((size_t)(m->head - first + 1) < limit)
		limit = (size_t)(m->head - first + 1);
	ev = calloc(limit, sizeof *ev);
	if (ev == NULL) {
		pthread_mutex_unlock(&m->mu);
		return nitro__oom("read");
	}
	for (id = first; id <= m->head && k < limit; id++, k++) {
		const nitro_tevent *s = &m->ring[(size_t)id % m->cap];

		ev[k].id = s->id;
		ev[k].time_ms = s->time_ms;
		ev[k].topic = strdup(s->topic);
		ev[k].payload = strdup(s->payload);
		if (ev[k].topic == NULL || ev[k].payload == NULL) {
			pthread_mutex_unlock(&m->mu);
			nitro_tevents_free(ev, k + 1);
			return nitro__oom("read");
		}
	}
	pthread_mutex_unlock(&m->mu);
	*out = ev;
	*n = k;
	return 0;
}

static void m_unfollow(void *reader)
{
	free(reader);
}

static void m_free(void *self)
{
	struct memt *m = self;

	for (size_t i = 0; i < m->cap; i++) {
		free(m->ring[i].topic);
		free(m->ring[i].payload);
	}
	free(m->ring);
	pthread_mutex_destroy(&m->mu);
	free(m);
}

/* No watch_fd: only this process publishes, and that wakes the hub. */
static const struct nitro_transport_ops mem_ops = {
	.publish = m_publish,
	.head = m_head,
	.follow = m_follow,
	.changed = m_changed,
	.read = m_read,
	.unfollow = m_unfollow,
	.free = m_free,
};

nitro_transport *nitro__mem_transport_new(size_t retain)
{
	struct memt *m = calloc(1, sizeof *m);
	nitro_transport *t;

	if (m == NULL || (m->ring = calloc(retain ? retain : 1, sizeof *m->ring)) == NULL) {
		free(m);
		nitro__oom("transport");
		return NULL;
	}
	m->cap = retain ? retain : 1;
	pthread_mutex_init(&m->mu, NULL);
	if ((t = nitro_transport_new(&mem_ops, m)) == NULL)
		m_free(m);
	return t;
}
