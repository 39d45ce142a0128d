/*
 * The metrics registry and its Prometheus text exposition.
 *
 * Series are created under a mutex (rarely: callers keep the pointer) and
 * updated with relaxed atomic adds.  Histograms keep per-bucket counts and
 * are made cumulative when written.  The sum is kept in nanoseconds so that
 * it too is a plain atomic add.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nitro/core.h"
#include "core/error.h"

#define SERIES_MAX	4096
#define HASH_SIZE	8192	/* power of two, twice SERIES_MAX */
#define FAMILIES_MAX	256
#define BUSES_MAX	16

static const double bounds[] = {
	0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10
};
#define NBOUNDS (sizeof bounds / sizeof bounds[0])

enum { COUNTER, HISTOGRAM };

struct nitro_counter {
	atomic_uint_fast64_t v;
};

struct nitro_histogram {
	atomic_uint_fast64_t b[NBOUNDS + 1];	/* the last is +Inf */
	atomic_uint_fast64_t count, sum_ns;
};

struct family {
	char name[64];
	char help[160];
	int type;
};

struct series {
	int family;
	uint64_t hash;
	char labels[200];
	union {
		struct nitro_counter c;
		struct nitro_histogram h;
	} u;
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct family families[FAMILIES_MAX];
static size_t nfamilies;
static struct series *series[SERIES_MAX];
static size_t nseries;
static int index_[HASH_SIZE];		/* series number + 1; 0: empty */
static struct {
	nitro_bus *bus;
	char label[32];
} buses[BUSES_MAX];
static size_t nbuses;

static int valid_name(const char *s)
{
	if (s == NULL || !((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
	    *s == '_' || *s == ':'))
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || *s == '_' || *s == ':'))
			return 0;
	return 1;
}

/* Labels are written verbatim, so they must not break a line. */
static int valid_labels(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < ' ' || *s == 0x7f)
			return 0;
	return 1;
}

static uint64_t hash2(const char *a, const char *b)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *a; a++)
		h = (h ^ (unsigned char)*a) * 1099511628211ULL;
	h = (h ^ '{') * 1099511628211ULL;
	for (; *b; b++)
		h = (h ^ (unsigned char)*b) * 1099511628211ULL;
	return h;
}

static struct series *get(const char *name, const char *help, const char *labels,
    int type)
{
	struct series *s = NULL;
	uint64_t h;
	size_t slot, f;

	if (labels == NULL)
		labels = "";
	if (!valid_name(name) || strlen(name) >= sizeof families[0].name ||
	    strlen(labels) >= sizeof s->labels || !valid_labels(labels) ||
	    (help && !valid_labels(help))) {
		nitro_error(NITRO_EINVAL, "metrics: bad name or labels for \"%s\"",
		    name ? name : "(null)");
		return NULL;
	}
	h = hash2(name, labels);
	pthread_mutex_lock(&mu);
	for (slot = h & (HASH_SIZE - 1); index_[slot]; slot = (slot + 1) & (HASH_SIZE - 1)) {
		struct series *c = series[index_[slot] - 1];

		if (c->hash == h && strcmp(families[c->family].name, name) == 0 &&
		    strcmp(c->labels, labels) == 0) {
			s = families[c->family].type == type ? c : NULL;
			if (s == NULL)
				nitro_error(NITRO_EINVAL, "metrics: %s has another type", name);
			goto out;
		}
	}
	for (f = 0; f < nfamilies && strcmp(families[f].name, name) != 0; f++)
		;
	if (f < nfamilies && families[f].type != type) {
		nitro_error(NITRO_EINVAL, "metrics: %s has another type", name);
		goto out;
	}
	if (nseries == SERIES_MAX || (f == nfamilies && nfamilies == FAMILIES_MAX)) {
		nitro_error(NITRO_ELIMIT, "metrics: at most %d series", SERIES_MAX);
		goto out;
	}
	if ((s = calloc(1, sizeof *s)) == NULL) {
		nitro__oom(NULL);
		goto out;
	}
	if (f == nfamilies) {
		snprintf(families[f].name, sizeof families[f].name, "%s", name);
		snprintf(families[f].help, sizeof families[f].help, "%s", help ? help : name);
		families[f].type = type;
		nfamilies++;
	}
	s->family = (int)f;
	s->hash = h;
	snprintf(s->labels, sizeof s->labels, "%s", labels);
	series[nseries++] = s;
	index_[slot] = (int)nseries;
out:
	pthread_mutex_unlock(&mu);
	return s;
}

nitro_counter *nitro_counter_get(const char *name, const char *help, const char *labels)
{
	struct series *s = get(name, help, labels, COUNTER);

	return s ? &s->u.c : NULL;
}

nitro_histogram *nitro_histogram_get(const char *name, const char *help,
    const char *labels)
{
	struct series *s = get(name, help, labels, HISTOGRAM);

	return s ? &s->u.h : NULL;
}

void nitro_counter_add(nitro_counter *c, uint64_t n)
{
	if (c != NULL)
		atomic_fetch_add_explicit(&c->v, n, memory_order_relaxed);
}

uint64_t nitro_counter_value(const nitro_counter *c)
{
	return c ? atomic_load_explicit(&((nitro_counter *)c)->v, memory_order_relaxed) : 0;
}

void nitro_histogram_observe(nitro_histogram *h, double seconds)
{
	size_t i;

	if (h == NULL)
		return;
	if (!(seconds >= 0))	/* negative or NaN */
		seconds = 0;
	for (i = 0; i < NBOUNDS && seconds > bounds[i]; i++)
		;
	atomic_fetch_add_explicit(&h->b[i], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&h->count, 1, memory_order_relaxed);
	if (seconds > 1e9)
		seconds = 1e9;
	atomic_fetch_add_explicit(&h->sum_ns, (uint64_t)(seconds * 1e9 + 0.5),
	    memory_order_relaxed);
}

/*
 * The series of a method and status are found in the registry once and
 * kept in a table indexed by both: the registry takes a mutex, which is
 * fine once but not on every request from every worker thread.  Series
 * are never freed, so the pointers stay good.
 */
static const char *const methods[] = {
	"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "OTHER"
};
#define NMETHODS (sizeof methods / sizeof methods[0])
#define STATUS_END 600		/* statuses 100..599; anything else is 0 */

static _Atomic(nitro_counter *) requests[NMETHODS][STATUS_END];
static _Atomic(nitro_histogram *) durations[NMETHODS];

static size_t method_index(const char *m)
{
	for (size_t i = 0; m != NULL && i + 1 < NMETHODS; i++)
		if (strcmp(m, methods[i]) == 0)
			return i;
	return NMETHODS - 1;
}

void nitro_metrics_request(const char *method, int status, double seconds)
{
	size_t mi = method_index(method);
	nitro_counter *c;
	nitro_histogram *h;
	char labels[64];

	if (status < 100 || status >= STATUS_END)
		status = 0;
	c = atomic_load_explicit(&requests[mi][status], memory_order_acquire);
	if (c == NULL) {
		snprintf(labels, sizeof labels, "method=\"%s\",status=\"%d\"",
		    methods[mi], status);
		c = nitro_counter_get("nitro_http_requests_total",
		    "HTTP requests by method and status.", labels);
		atomic_store_explicit(&requests[mi][status], c, memory_order_release);
	}
	h = atomic_load_explicit(&durations[mi], memory_order_acquire);
	if (h == NULL) {
		snprintf(labels, sizeof labels, "method=\"%s\"", methods[mi]);
		h = nitro_histogram_get("nitro_http_request_duration_seconds",
		    "Time to answer a request.", labels);
		atomic_store_explicit(&durations[mi], h, memory_order_release);
	}
	nitro_counter_add(c, 1);
	nitro_histogram_observe(h, seconds);
}

int nitro_metrics_bus(nitro_bus *bus, const char *label)
{
	int rc = 0;

	if (bus == NULL || label == NULL || strlen(label) >= sizeof buses[0].label ||
	    strpbrk(label, "\"\\\n") != NULL)
		return nitro_error(NITRO_EINVAL, "metrics: a bus and a short plain label");
	pthread_mutex_lock(&mu);
	if (nbuses == BUSES_MAX) {
		rc = nitro_error(NITRO_ELIMIT, "metrics: at most %d buses", BUSES_MAX);
	} else {
		buses[nbuses].bus = bus;
		snprintf(buses[nbuses].label, sizeof buses[0].label, "%s", label);
		nbuses++;
	}
	pthread_mutex_unlock(&mu);
	return rc;
}

static void write_series(nitro_buf *out, const struct family *f, struct series *s)
{
	const char *sep = s->labels[0] ? "," : "";
	uint64_t cum = 0;

	if (f->type == COUNTER) {
		nitro_buf_printf(out, "%s%s%s%s %llu\n", f->name, s->labels[0] ? "{" : "",
		    s->labels, s->labels[0] ? "}" : "",
		    (unsigned long long)atomic_load(&s->u.c.v));
		return;
	}
	for (size_t i = 0; i <= NBOUNDS; i++) {
		cum += atomic_load(&s->u.h.b[i]);
		if (i < NBOUNDS)
			nitro_buf_printf(out, "%s_bucket{%s%sle=\"%g\"} %llu\n", f->name,
			    s->labels, sep, bounds[i], (unsigned long long)cum);
		else
			nitro_buf_printf(out, "%s_bucket{%s%sle=\"+Inf\"} %llu\n", f->name,
			    s->labels, sep, (unsigned long long)cum);
	}
	nitro_buf_printf(out, "%s_sum%s%s%s %.9f\n", f->name, s->labels[0] ? "{" : "",
	    s->labels, s->labels[0] ? "}" : "",
	    (double)atomic_load(&s->u.h.sum_ns) / 1e9);
	nitro_buf_printf(out, "%s_count%s%s%s %llu\n", f->name, s->labels[0] ? "{" : "",
	    s->labels, s->labels[0] ? "}" : "",
	    (unsigned long long)atomic_load(&s->u.h.count));
}

static void write_buses(nitro_buf *out)
{
	static const struct {
		const char *name, *help, *type;
	} m[] = {
		{"nitro_events_emitted_total", "Events emitted.", "counter"},
		{"nitro_events_handled_total", "Handler calls that succeeded.", "counter"},
		{"nitro_events_failed_total", "Handler calls that failed.", "counter"},
		{"nitro_events_vetoed_total", "Events a handler stopped.", "counter"},
		{"nitro_events_dropped_total", "Async emits refused: queue full.", "counter"},
		{"nitro_events_queue_depth", "Async events waiting.", "gauge"},
	};
	struct nitro_bus_stats st[BUSES_MAX];

	if (nbuses == 0)
		return;
	for (size_t b = 0; b < nbuses; b++)
		nitro_bus_stats(buses[b].bus, &st[b]);
	for (size_t i = 0; i < sizeof m / sizeof m[0]; i++) {
		nitro_buf_printf(out, "# HELP %s %s\n# TYPE %s %s\n", m[i].name,
		    m[i].help, m[i].name, m[i].type);
		for (size_t b = 0; b < nbuses; b++) {
			uint64_t v[] = {st[b].emitted, st[b].handled, st[b].failed,
			    st[b].vetoed, st[b].dropped, st[b].queue_depth};

			nitro_buf_printf(out, "%s{bus=\"%s\"} %llu\n", m[i].name,
			    buses[b].label, (unsigned long long)v[i]);
		}
	}
}

int nitro_metrics_write(nitro_buf *out)
{
	pthread_mutex_lock(&mu);
	for (size_t f = 0; f < nfamilies; f++) {
		nitro_buf_printf(out, "# HELP %s %s\n# TYPE %s %s\n", families[f].name,
		    families[f].help, families[f].name,
		    families[f].type == COUNTER ? "counter" : "histogram");
		for (size_t i = 0; i < nseries; i++)
			if (series[i]->family == (int)f)
				write_series(out, &families[f], series[i]);
	}
	write_buses(out);
	pthread_mutex_unlock(&mu);
	return out->err;
}
