/* The event bus: matching, ordering, filters, vetoes, failures, async
 * back-pressure, and concurrent emitters and subscribers. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "nitro/core.h"
#include "t.h"

/* A handler that appends its tag to a trace string. */
struct rec {
	char trace[256];
	int ret;
	const char *tag;
};

static int record(nitro_event *ev, void *udata)
{
	struct rec *r = udata;

	(void)ev;
	strcat(r->trace, r->tag);
	return r->ret;
}

static char trace[512];

static int trace_fn(nitro_event *ev, void *udata)
{
	strcat(trace, (const char *)udata);
	strcat(trace, ":");
	strcat(trace, ev->name);
	strcat(trace, " ");
	return NITRO_EVENT_CONTINUE;
}

static void test_match(void)
{
	T_OK(nitro_event_match("todo.saved", "todo.saved"), "exact matches");
	T_OK(!nitro_event_match("todo.saved", "todo.save"), "exact needs whole name");
	T_OK(nitro_event_match("todo.*", "todo.saved"), "prefix glob");
	T_OK(!nitro_event_match("todo.*", "todo"), "prefix glob needs the dot");
	T_OK(!nitro_event_match("todo.*", "user.saved"), "prefix glob other name");
	T_OK(nitro_event_match("*.saved", "user.saved"), "suffix glob");
	T_OK(!nitro_event_match("*.saved", "user.saving"), "suffix glob mismatch");
	T_OK(nitro_event_match("*", ""), "star matches empty");
	T_OK(nitro_event_match("a*b*c", "axxbyyc"), "two stars");
	T_OK(!nitro_event_match("a*b*c", "axxbyy"), "two stars mismatch");
	T_OK(nitro_event_match("*a*", "bab"), "inner literal");
	T_OK(nitro_event_match("t*.s*d", "todo.saved"), "backtracking");
}

static void test_patterns(void)
{
	nitro_bus *bus = nitro_bus_new(NULL);
	int rc;

	T_OK(bus != NULL, "bus created");
	trace[0] = '\0';
	/* todo.saved is emitted before the wildcard subscriptions exist. */
	nitro_bus_on(bus, "todo.saved", trace_fn, "E", NULL);
	rc = nitro_bus_emit(bus, "todo.saved", NULL, NULL);
	T_EQ_INT(rc, 0, "emit returns 0");
	T_EQ_STR(trace, "E:todo.saved ", "exact handler ran");

	nitro_bus_on(bus, "todo.*", trace_fn, "P", NULL);
	nitro_bus_on(bus, "*.saved", trace_fn, "S", NULL);
	nitro_bus_on(bus, "*", trace_fn, "A", NULL);
	trace[0] = '\0';
	nitro_bus_emit(bus, "todo.saved", NULL, NULL);
	T_EQ_STR(trace, "E:todo.saved P:todo.saved S:todo.saved A:todo.saved ",
	    "wildcards added after first emit still match");
	trace[0] = '\0';
	nitro_bus_emit(bus, "user.saved", NULL, NULL);
	T_EQ_STR(trace, "S:user.saved A:user.saved ", "suffix and all");
	trace[0] = '\0';
	nitro_bus_emit(bus, "todo.deleted", NULL, NULL);
	T_EQ_STR(trace, "P:todo.deleted A:todo.deleted ", "prefix and all");
	trace[0] = '\0';
	nitro_bus_emit(bus, "other", NULL, NULL);
	T_EQ_STR(trace, "A:other ", "only all");
	nitro_bus_free(bus);
}

static void test_order(void)
{
	nitro_bus *bus = nitro_bus_new(NULL);
	struct nitro_sub_opts hi = {.priority = 10}, lo = {.priority = -5};

	trace[0] = '\0';
	nitro_bus_on(bus, "e", trace_fn, "a", NULL);
	nitro_bus_on(bus, "e", trace_fn, "b", &lo);
	nitro_bus_on(bus, "*", trace_fn, "c", &hi);
	nitro_bus_on(bus, "e", trace_fn, "d", NULL);
	nitro_bus_on(bus, "e", trace_fn, "f", &hi);
	nitro_bus_emit(bus, "e", NULL, NULL);
	T_EQ_STR(trace, "c:e f:e a:e d:e b:e ",
	    "priority first, then registration order");
	nitro_bus_free(bus);
}

static int only_even(const nitro_event *ev, void *udata)
{
	(void)udata;
	return ev->payload != NULL && *(int *)ev->payload % 2 == 0;
}

static void test_filters(void)
{
	nitro_bus *bus = nitro_bus_new(NULL);
	int me, other, v;
	struct nitro_sub_opts from_me = {.sender = &me};
	struct nitro_sub_opts even = {.cond = only_even};

	trace[0] = '\0';
	nitro_bus_on(bus, "x", trace_fn, "me", &from_me);
	nitro_bus_on(bus, "x", trace_fn, "even", &even);
	v = 3;
	nitro_bus_emit(bus, "x", &other, &v);
	T_EQ_STR(trace, "", "sender filter and condition both skip");
	nitro_bus_emit(bus, "x", &me, &v);
	T_EQ_STR(trace, "me:x ", "sender filter passes");
	trace[0] = '\0';
	v = 4;
	nitro_bus_emit(bus, "x", &other, &v);
	T_EQ_STR(trace, "even:x ", "condition passes");
	nitro_bus_free(bus);
}

static int vetoer(nitro_event *ev, void *udata)
{
	(void)udata;
	return nitro_event_veto(ev, "title %s is taken", "abc");
}

static int failer(nitro_event *ev, void *udata)
{
	(void)ev;
	(void)udata;
	return nitro_error(NITRO_EIO, "handler broke");
}

static void test_veto_and_failure(void)
{
	nitro_bus *bus = nitro_bus_new(NULL);
	struct rec a = {.tag = "a"}, c = {.tag = "c"};
	struct nitro_bus_stats st;
	int rc;

	nitro_log_set_level(NITRO_LOG_OFF);
	nitro_bus_on(bus, "todo.saving", record, &a, NULL);
	nitro_bus_on(bus, "todo.saving", failer, NULL, NULL);
	nitro_bus_on(bus, "todo.*", record, &c, NULL);
	rc = nitro_bus_emit(bus, "todo.saving", NULL, NULL);
	T_EQ_INT(rc, 0, "a failing handler does not fail the emit");
	T_EQ_STR(a.trace, "a", "handler before the failure ran");
	T_EQ_STR(c.trace, "c", "handler after the failure ran");

	nitro_bus_on(bus, "todo.saving", vetoer, NULL, &(struct nitro_sub_opts){.priority = 1});
	rc = nitro_bus_emit(bus, "todo.saving", NULL, NULL);
	T_EQ_INT(rc, NITRO_EVETO, "stop vetoes the emit");
	T_EQ_STR(nitro_errmsg(), "todo.saving vetoed: title abc is taken",
	    "veto message reaches the emitter");
	T_EQ_STR(a.trace, "a", "handlers after the veto did not run");

	c.ret = NITRO_EVENT_STOP;
	rc = nitro_bus_emit(bus, "todo.saved", NULL, NULL);
	T_EQ_INT(rc, NITRO_EVETO, "stop without a message vetoes too");
	T_EQ_STR(nitro_errmsg(), "todo.saved vetoed: a handler stopped it",
	    "default veto message");

	nitro_bus_stats(bus, &st);
	T_EQ_INT(st.emitted, 3, "emitted counter");
	T_EQ_INT(st.handled, 4, "handled counter (a, c, veto, c)");
	T_EQ_INT(st.failed, 1, "failed counter");
	T_EQ_INT(st.vetoed, 2, "vetoed counter");
	T_EQ_INT(st.subscriptions, 4, "subscription count");
	nitro_log_set_level(NITRO_LOG_INFO);
	nitro_bus_free(bus);
}

static int sub_in_handler(nitro_event *ev, void *udata)
{
	nitro_bus *bus = udata;
	int id;

	(void)ev;
	id = nitro_bus_on(bus, "inner", trace_fn, "in", NULL);
	nitro_bus_emit(bus, "inner", NULL, NULL);
	return nitro_bus_off(bus, id) == 0 ? 0 : NITRO_EINTERNAL;
}

static void test_off(void)
{
	nitro_bus *bus = nitro_bus_new(NULL);
	struct nitro_bus_stats st;
	int id, id2;

	trace[0] = '\0';
	id = nitro_bus_on(bus, "e", trace_fn, "x", NULL);
	id2 = nitro_bus_on(bus, "e", trace_fn, "y", NULL);
	T_OK(id > 0 && id2 > id, "ids are positive and increasing");
	T_EQ_INT(nitro_bus_off(bus, id), 0, "unsubscribe");
	T_EQ_INT(nitro_bus_off(bus, id), NITRO_ENOTFOUND, "unsubscribe twice");
	T_EQ_INT(nitro_bus_off(bus, 9999), NITRO_ENOTFOUND, "unknown id");
	nitro_bus_emit(bus, "e", NULL, NULL);
	T_EQ_STR(trace, "y:e ", "removed handler is not called");
	nitro_bus_off(bus, id2);

	trace[0] = '\0';
	nitro_bus_on(bus, "outer", sub_in_handler, bus, NULL);
	T_EQ_INT(nitro_bus_emit(bus, "outer", NULL, NULL), 0,
	    "handler may subscribe, emit and unsubscribe");
	T_EQ_STR(trace, "in:inner ", "nested emit ran the new handler");
	nitro_bus_stats(bus, &st);
	T_EQ_INT(st.failed, 0, "nested unsubscribe succeeded");
	T_EQ_INT(st.subscriptions, 1, "only the outer subscription is left");

	T_EQ_INT(nitro_bus_on(bus, "", trace_fn, NULL, NULL), NITRO_EINVAL, "empty pattern");
	{
		char longp[200];

		memset(longp, 'a', sizeof longp - 1);
		longp[sizeof longp - 1] = '\0';
		T_EQ_INT(nitro_bus_on(bus, longp, trace_fn, NULL, NULL), NITRO_EINVAL,
		    "pattern too long");
	}
	T_EQ_INT(nitro_bus_on(bus, "e", NULL, NULL, NULL), NITRO_EINVAL, "no handler");
	T_EQ_INT(nitro_bus_emit(NULL, "e", NULL, NULL), NITRO_EINVAL, "no bus");
	T_EQ_INT(nitro_bus_emit_async(bus, "e", NULL, NULL, NULL), NITRO_EUNSUPPORTED,
	    "async on a bus without workers");
	nitro_bus_free(bus);
}

/* ---- async ------------------------------------------------------------- */

static pthread_mutex_t gate_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cv = PTHREAD_COND_INITIALIZER;
static int gate_open, gate_entered;
static atomic_int async_calls, released;

static int gated(nitro_event *ev, void *udata)
{
	(void)ev;
	(void)udata;
	pthread_mutex_lock(&gate_mu);
	gate_entered++;
	pthread_cond_broadcast(&gate_cv);
	while (!gate_open)
		pthread_cond_wait(&gate_cv, &gate_mu);
	pthread_mutex_unlock(&gate_mu);
	atomic_fetch_add(&async_calls, 1);
	return 0;
}

static void release_fn(void *p)
{
	free(p);
	atomic_fetch_add(&released, 1);
}

static void test_async_backpressure(void)
{
	struct nitro_bus_opts o = {.threads = 1, .queue_max = 2};
	nitro_bus *bus = nitro_bus_new(&o);
	struct nitro_bus_stats st;
	void *p;
	int rc;

	nitro_bus_on(bus, "job", gated, NULL, NULL);
	T_EQ_INT(nitro_bus_emit_async(bus, "job", NULL, malloc(8), release_fn), 0,
	    "first async emit");
	pthread_mutex_lock(&gate_mu);
	while (gate_entered == 0)
		pthread_cond_wait(&gate_cv, &gate_mu);
	pthread_mutex_unlock(&gate_mu);
	T_EQ_INT(nitro_bus_emit_async(bus, "job", NULL, malloc(8), release_fn), 0, "queued 1");
	T_EQ_INT(nitro_bus_emit_async(bus, "job", NULL, malloc(8), release_fn), 0, "queued 2");
	p = malloc(8);
	rc = nitro_bus_emit_async(bus, "job", NULL, p, release_fn);
	T_EQ_INT(rc, NITRO_EBUSY, "full queue gives back-pressure");
	free(p);	/* refused: still ours */
	nitro_bus_stats(bus, &st);
	T_EQ_INT(st.queue_depth, 2, "queue depth");
	T_EQ_INT(st.dropped, 1, "dropped counter");

	pthread_mutex_lock(&gate_mu);
	gate_open = 1;
	pthread_cond_broadcast(&gate_cv);
	pthread_mutex_unlock(&gate_mu);
	nitro_bus_drain(bus);
	T_EQ_INT(atomic_load(&async_calls), 3, "every queued event handled");
	T_EQ_INT(atomic_load(&released), 3, "every payload released");
	nitro_bus_stats(bus, &st);
	T_EQ_INT(st.queue_depth, 0, "queue empty after drain");
	T_EQ_INT(st.emitted, 3, "async emits counted");
	{
		char longn[200];

		memset(longn, 'n', sizeof longn - 1);
		longn[sizeof longn - 1] = '\0';
		T_EQ_INT(nitro_bus_emit_async(bus, longn, NULL, NULL, NULL), NITRO_ELIMIT,
		    "async name too long");
	}
	nitro_bus_free(bus);
	T_OK(nitro_bus_new(&(struct nitro_bus_opts){.threads = 1000}) == NULL,
	    "thread count is bounded");
}

/* ---- concurrency ------------------------------------------------------- */

#define EMITTERS 4
#define EMITS 20000

static atomic_long counted;
static atomic_int churn_stop;

static int count_fn(nitro_event *ev, void *udata)
{
	(void)ev;
	atomic_fetch_add_explicit((atomic_long *)udata, 1, memory_order_relaxed);
	return 0;
}

static void *emitter(void *arg)
{
	nitro_bus *bus = arg;

	for (int i = 0; i < EMITS; i++)
		nitro_bus_emit(bus, (i & 1) ? "todo.saved" : "user.saved", NULL, NULL);
	return NULL;
}

static void *async_emitter(void *arg)
{
	nitro_bus *bus = arg;

	for (int i = 0; i < EMITS / 4; i++) {
		while (nitro_bus_emit_async(bus, "todo.saved", NULL, NULL, NULL) == NITRO_EBUSY)
			;	/* back-pressure: retry */
	}
	return NULL;
}

static void *churner(void *arg)
{
	nitro_bus *bus = arg;
	atomic_long scratch = 0;

	while (!atomic_load(&churn_stop)) {
		int id = nitro_bus_on(bus, "todo.*", count_fn, &scratch, NULL);

		if (id > 0)
			nitro_bus_off(bus, id);
	}
	return NULL;
}

static void test_concurrent(void)
{
	struct nitro_bus_opts o = {.threads = 3, .queue_max = 64};
	nitro_bus *bus = nitro_bus_new(&o);
	pthread_t em[EMITTERS], ch[2];
	struct nitro_bus_stats st;

	nitro_bus_on(bus, "*.saved", count_fn, &counted, NULL);
	for (int i = 0; i < 2; i++)
		pthread_create(&ch[i], NULL, churner, bus);
	for (int i = 0; i < EMITTERS; i++)
		pthread_create(&em[i], NULL, i == 0 ? async_emitter : emitter, bus);
	for (int i = 0; i < EMITTERS; i++)
		pthread_join(em[i], NULL);
	atomic_store(&churn_stop, 1);
	for (int i = 0; i < 2; i++)
		pthread_join(ch[i], NULL);
	nitro_bus_drain(bus);
	T_EQ_INT(atomic_load(&counted), (EMITTERS - 1) * EMITS + EMITS / 4,
	    "every concurrent emit reached the permanent handler");
	nitro_bus_stats(bus, &st);
	T_EQ_INT(st.subscriptions, 1, "churned subscriptions all removed");
	T_EQ_INT(st.emitted, (EMITTERS - 1) * EMITS + EMITS / 4, "emitted under load");
	nitro_bus_free(bus);
}

int main(void)
{
	test_match();
	test_patterns();
	test_order();
	test_filters();
	test_veto_and_failure();
	test_off();
	test_async_backpressure();
	test_concurrent();
	T_OK(nitro_bus_default() == nitro_bus_default(), "one default bus");
	return t_done();
}
