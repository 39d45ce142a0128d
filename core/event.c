/*
 * The event bus.
 *
 * Subscriptions live in an immutable, reference-counted snapshot: an emit
 * takes a reference under the bus mutex (a few nanoseconds) and then runs
 * the handlers with no lock held, so handlers may emit, subscribe and
 * unsubscribe freely.  nitro_bus_on()/off() build a new snapshot and swap
 * it in; the old one goes when its last emit finishes.
 *
 * Every emit matches the event name against every pattern.  There is no
 * per-name cache, so a wildcard subscription sees an event whether that
 * name was first emitted before or after it subscribed.
 *
 * Async emits go to a bounded ring of jobs served by a fixed set of worker
 * threads; a full ring is an error for the emitter, never growth.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nitro/core.h"
#include "core/error.h"

#define NAME_MAX_LEN	128	/* patterns and async event names */
#define QUEUE_DEFAULT	1024
#define QUEUE_LIMIT	(1u << 20)
#define THREADS_LIMIT	64

enum match_kind { M_EXACT, M_ALL, M_PREFIX, M_SUFFIX, M_GLOB };

struct sub {
	int id;
	int prio;
	int kind;
	size_t lit_len;		/* length of the literal part for prefix/suffix */
	nitro_event_fn fn;
	void *udata;
	const void *sender;
	nitro_event_cond cond;
	char pattern[NAME_MAX_LEN];
};

struct snap {
	atomic_int refs;
	size_t n;
	struct sub subs[];
};

struct job {
	const void *sender;
	void *payload;
	void (*release)(void *);
	char name[NAME_MAX_LEN];
};

struct nitro_bus {
	pthread_mutex_t mu;		/* guards cur, next_id and the queue */
	struct snap *cur;
	int next_id;

	/* async */
	pthread_cond_t work;		/* queue became non-empty or stopping */
	pthread_cond_t idle;		/* queue empty and nothing in flight */
	struct job *ring;
	size_t qmax, qhead, qlen, inflight;
	int stopping;
	unsigned nthreads;
	pthread_t *threads;

	atomic_uint_fast64_t emitted, handled, failed, vetoed, dropped;
};

static struct snap *snap_new(size_t n)
{
	struct snap *s;
	size_t sz;

	if (__builtin_mul_overflow(n, sizeof(struct sub), &sz) ||
	    __builtin_add_overflow(sz, sizeof *s, &sz))
		return NULL;
	if ((s = malloc(sz)) == NULL)
		return NULL;
	atomic_init(&s->refs, 1);
	s->n = n;
	return s;
}

static void snap_put(struct snap *s)
{
	if (s != NULL && atomic_fetch_sub_explicit(&s->refs, 1,
	    memory_order_acq_rel) == 1)
		free(s);
}

static struct snap *snap_get(nitro_bus *bus)
{
	struct snap *s;

	pthread_mutex_lock(&bus->mu);
	s = bus->cur;
	atomic_fetch_add_explicit(&s->refs, 1, memory_order_relaxed);
	pthread_mutex_unlock(&bus->mu);
	return s;
}

int nitro_event_match(const char *p, const char *s)
{
	const char *star = NULL, *resume = NULL;

	while (*s != '\0') {
		if (*p == '*') {
			star = p++;
			resume = s;
		} else if (*p == *s) {
			p++;
			s++;
		} else if (star != NULL) {
			p = star + 1;
			s = ++resume;
		} else {
			return 0;
		}
	}
	while (*p == '*')
		p++;
	return *p == '\0';
}

static int sub_matches(const struct sub *u, const char *name, size_t len)
{
	switch (u->kind) {
	case M_EXACT:
		return strcmp(u->pattern, name) == 0;
	case M_ALL:
		return 1;
	case M_PREFIX:
		return len >= u->lit_len && memcmp(name, u->pattern, u->lit_len) == 0;
	case M_SUFFIX:
		return len >= u->lit_len &&
		    memcmp(name + len - u->lit_len, u->pattern + 1, u->lit_len) == 0;
	default:
		return nitro_event_match(u->pattern, name);
	}
}

static void classify(struct sub *u)
{
	size_t len = strlen(u->pattern), stars = 0;
	const char *p;

	for (p = u->pattern; *p != '\0'; p++)
		stars += *p == '*';
	if (stars == 0) {
		u->kind = M_EXACT;
	} else if (strcmp(u->pattern, "*") == 0) {
		u->kind = M_ALL;
	} else if (stars == 1 && u->pattern[len - 1] == '*') {
		u->kind = M_PREFIX;
		u->lit_len = len - 1;
	} else if (stars == 1 && u->pattern[0] == '*') {
		u->kind = M_SUFFIX;
		u->lit_len = len - 1;
	} else {
		u->kind = M_GLOB;
	}
}

/* Runs the handlers of one event; NITRO_EVETO when one stops it. */
static int dispatch(nitro_bus *bus, nitro_event *ev)
{
	struct snap *s = snap_get(bus);
	size_t len = strlen(ev->name);
	int rc = 0;

	atomic_fetch_add_explicit(&bus->emitted, 1, memory_order_relaxed);
	ev->veto[0] = '\0';
	for (size_t i = 0; i < s->n; i++) {
		const struct sub *u = &s->subs[i];
		int r;

		if (!sub_matches(u, ev->name, len))
			continue;
		if (u->sender != NULL && u->sender != ev->sender)
			continue;
		if (u->cond != NULL && !u->cond(ev, u->udata))
			continue;
		r = u->fn(ev, u->udata);
		if (r < 0) {
			atomic_fetch_add_explicit(&bus->failed, 1,
			    memory_order_relaxed);
			nitro_log(NITRO_LOG_WARN, "event handler failed",
			    "event", ev->name, "pattern", u->pattern,
			    "error", nitro_errmsg(), NULL);
			continue;
		}
		atomic_fetch_add_explicit(&bus->handled, 1, memory_order_relaxed);
		if (r == NITRO_EVENT_STOP) {
			atomic_fetch_add_explicit(&bus->vetoed, 1,
			    memory_order_relaxed);
			rc = NITRO_EVETO;
			break;
		}
	}
	snap_put(s);
	if (rc)
		return nitro_error(NITRO_EVETO, "%s vetoed: %s", ev->name,
		    ev->veto[0] ? ev->veto : "a handler stopped it");
	return 0;
}

int nitro_event_veto(nitro_event *ev, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ev->veto, sizeof ev->veto, fmt, ap);
	va_end(ap);
	return NITRO_EVENT_STOP;
}

int nitro_bus_emit_entity(nitro_bus *bus, const char *name, const void *sender,
    const struct nitro_schema *schema, void *payload)
{
	nitro_event ev;

	if (bus == NULL || name == NULL)
		return nitro_error(NITRO_EINVAL, "emit: bus and name are required");
	ev.name = name;
	ev.sender = sender;
	ev.payload = payload;
	ev.schema = schema;
	return dispatch(bus, &ev);
}

int nitro_bus_emit(nitro_bus *bus, const char *name, const void *sender,
    void *payload)
{
	return nitro_bus_emit_entity(bus, name, sender, NULL, payload);
}

int nitro_bus_on(nitro_bus *bus, const char *pattern, nitro_event_fn fn,
    void *udata, const struct nitro_sub_opts *opts)
{
	struct snap *old, *s;
	struct sub u;
	size_t len, at;

	if (bus == NULL || pattern == NULL || fn == NULL)
		return nitro_error(NITRO_EINVAL, "subscribe: bus, pattern and handler are required");
	len = strlen(pattern);
	if (len == 0 || len >= NAME_MAX_LEN)
		return nitro_error(NITRO_EINVAL, "subscribe: pattern must be 1 to %d bytes",
		    NAME_MAX_LEN - 1);
	memset(&u, 0, sizeof u);
	memcpy(u.pattern, pattern, len + 1);
	classify(&u);
	u.fn = fn;
	u.udata = udata;
	if (opts != NULL) {
		u.prio = opts->priority;
		u.sender = opts->sender;
		u.cond = opts->cond;
	}

	pthread_mutex_lock(&bus->mu);
	old = bus->cur;
	if (bus->next_id == __INT_MAX__ || (s = snap_new(old->n + 1)) == NULL) {
		pthread_mutex_unlock(&bus->mu);
		return nitro__oom("subscribe");
	}
	u.id = bus->next_id++;
	/* After every subscription of equal or higher priority: ties keep
	 * registration order. */
	for (at = 0; at < old->n && old->subs[at].prio >= u.prio; at++)
		;
	memcpy(s->subs, old->subs, at * sizeof u);
	s->subs[at] = u;
	memcpy(s->subs + at + 1, old->subs + at, (old->n - at) * sizeof u);
	bus->cur = s;
	pthread_mutex_unlock(&bus->mu);
	snap_put(old);
	return u.id;
}

int nitro_bus_off(nitro_bus *bus, int id)
{
	struct snap *old, *s;
	size_t at;

	if (bus == NULL)
		return nitro_error(NITRO_EINVAL, "unsubscribe: no bus");
	pthread_mutex_lock(&bus->mu);
	old = bus->cur;
	for (at = 0; at < old->n && old->subs[at].id != id; at++)
		;
	if (at == old->n) {
		pthread_mutex_unlock(&bus->mu);
		return nitro_error(NITRO_ENOTFOUND, "unsubscribe: no subscription %d", id);
	}
	if ((s = snap_new(old->n - 1)) == NULL) {
		pthread_mutex_unlock(&bus->mu);
		return nitro__oom("unsubscribe");
	}
	memcpy(s->subs, old->subs, at * sizeof(struct sub));
	memcpy(s->subs + at, old->subs + at + 1,
	    (old->n - at - 1) * sizeof(struct sub));
	bus->cur = s;
	pthread_mutex_unlock(&bus->mu);
	snap_put(old);
	return 0;
}

/* ---- async workers ----------------------------------------------------- */

static void *worker(void *arg)
{
	nitro_bus *bus = arg;
	struct job j;
	nitro_event ev;

	pthread_mutex_lock(&bus->mu);
	for (;;) {
		while (bus->qlen == 0 && !bus->stopping)
			pthread_cond_wait(&bus->work, &bus->mu);
		if (bus->qlen == 0)
			break;	/* stopping and nothing left */
		j = bus->ring[bus->qhead];
		bus->qhead = (bus->qhead + 1) % bus->qmax;
		bus->qlen--;
		bus->inflight++;
		pthread_mutex_unlock(&bus->mu);

		ev.name = j.name;
		ev.sender = j.sender;
		ev.payload = j.payload;
		ev.schema = NULL;
		(void)dispatch(bus, &ev);	/* nobody waits for a veto */
		if (j.release != NULL)
			j.release(j.payload);

		pthread_mutex_lock(&bus->mu);
		if (--bus->inflight == 0 && bus->qlen == 0)
			pthread_cond_broadcast(&bus->idle);
	}
	pthread_mutex_unlock(&bus->mu);
	return NULL;
}

int nitro_bus_emit_async(nitro_bus *bus, const char *name, const void *sender,
    void *payload, void (*release)(void *))
{
	struct job *j;
	size_t len;

	if (bus == NULL || name == NULL)
		return nitro_error(NITRO_EINVAL, "emit: bus and name are required");
	if (bus->nthreads == 0)
		return nitro_error(NITRO_EUNSUPPORTED, "emit %s: this bus has no async workers", name);
	len = strlen(name);
	if (len >= NAME_MAX_LEN)
		return nitro_error(NITRO_ELIMIT, "emit: event name longer than %d bytes",
		    NAME_MAX_LEN - 1);
	pthread_mutex_lock(&bus->mu);
	if (bus->stopping || bus->qlen == bus->qmax) {
		int stopping = bus->stopping;

		pthread_mutex_unlock(&bus->mu);
		if (stopping)
			return nitro_error(NITRO_ECLOSED, "emit %s: the bus is shutting down", name);
		atomic_fetch_add_explicit(&bus->dropped, 1, memory_order_relaxed);
		return nitro_error(NITRO_EBUSY, "emit %s: async queue full (%zu events)",
		    name, bus->qmax);
	}
	j = &bus->ring[(bus->qhead + bus->qlen) % bus->qmax];
	memcpy(j->name, name, len + 1);
	j->sender = sender;
	j->payload = payload;
	j->release = release;
	bus->qlen++;
	pthread_cond_signal(&bus->work);
	pthread_mutex_unlock(&bus->mu);
	return 0;
}

void nitro_bus_drain(nitro_bus *bus)
{
	if (bus == NULL)
		return;
	pthread_mutex_lock(&bus->mu);
	while (bus->qlen > 0 || bus->inflight > 0)
		pthread_cond_wait(&bus->idle, &bus->mu);
	pthread_mutex_unlock(&bus->mu);
}

void nitro_bus_stats(nitro_bus *bus, struct nitro_bus_stats *st)
{
	memset(st, 0, sizeof *st);
	if (bus == NULL)
		return;
	st->emitted = atomic_load_explicit(&bus->emitted, memory_order_relaxed);
	st->handled = atomic_load_explicit(&bus->handled, memory_order_relaxed);
	st->failed = atomic_load_explicit(&bus->failed, memory_order_relaxed);
	st->vetoed = atomic_load_explicit(&bus->vetoed, memory_order_relaxed);
	st->dropped = atomic_load_explicit(&bus->dropped, memory_order_relaxed);
	pthread_mutex_lock(&bus->mu);
	st->queue_depth = bus->qlen;
	st->subscriptions = bus->cur->n;
	pthread_mutex_unlock(&bus->mu);
}

/* ---- life cycle -------------------------------------------------------- */

static void bus_destroy(nitro_bus *bus)
{
	free(bus->threads);
	free(bus->ring);
	snap_put(bus->cur);
	pthread_cond_destroy(&bus->work);
	pthread_cond_destroy(&bus->idle);
	pthread_mutex_destroy(&bus->mu);
	free(bus);
}

nitro_bus *nitro_bus_new(const struct nitro_bus_opts *opts)
{
	nitro_bus *bus;
	unsigned nt = opts ? opts->threads : 0;
	size_t qmax = opts && opts->queue_max ? opts->queue_max : QUEUE_DEFAULT;

	if (nt > THREADS_LIMIT || qmax > QUEUE_LIMIT) {
		nitro_error(NITRO_ELIMIT, "bus: at most %d threads and %u queued events",
		    THREADS_LIMIT, QUEUE_LIMIT);
		return NULL;
	}
	if ((bus = calloc(1, sizeof *bus)) == NULL)
		goto nomem;
	pthread_mutex_init(&bus->mu, NULL);
	pthread_cond_init(&bus->work, NULL);
	pthread_cond_init(&bus->idle, NULL);
	bus->next_id = 1;
	bus->qmax = qmax;
	if ((bus->cur = snap_new(0)) == NULL)
		goto fail;
	if (nt == 0)
		return bus;
	if ((bus->ring = calloc(qmax, sizeof *bus->ring)) == NULL ||
	    (bus->threads = calloc(nt, sizeof *bus->threads)) == NULL)
		goto fail;
	for (; bus->nthreads < nt; bus->nthreads++) {
		if (pthread_create(&bus->threads[bus->nthreads], NULL, worker, bus)) {
			nitro_bus_free(bus);
			nitro_error(NITRO_EIO, "bus: cannot start worker threads");
			return NULL;
		}
	}
	return bus;
fail:
	bus_destroy(bus);
nomem:
	nitro__oom("bus");
	return NULL;
}

static nitro_bus *default_bus;
static pthread_once_t default_once = PTHREAD_ONCE_INIT;

static void default_init(void)
{
	default_bus = nitro_bus_new(NULL);
}

nitro_bus *nitro_bus_default(void)
{
	pthread_once(&default_once, default_init);
	return default_bus;
}

void nitro_bus_free(nitro_bus *bus)
{
	if (bus == NULL || bus == nitro_bus_default())
		return;
	pthread_mutex_lock(&bus->mu);
	bus->stopping = 1;
	pthread_cond_broadcast(&bus->work);
	pthread_mutex_unlock(&bus->mu);
	for (unsigned i = 0; i < bus->nthreads; i++)
		pthread_join(bus->threads[i], NULL);
	bus_destroy(bus);
}
