/* The memory repository: the conformance suite, then what only it does
 * (time to live, sweeping, growth, readers and writers at once). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "nitro/core.h"
#include "t.h"
#include "tests/conformance/repo_conformance.h"

static nitro_repo *make_mem(void *arg)
{
	(void)arg;
	return nitro_memrepo_new(NULL);
}

#define SESSION(X) \
	X(id,   INT,  NITRO_F_ID) \
	X(user, TEXT, NITRO_F_REQUIRED) \
	X(meta, JSON, NITRO_F_DEFAULT("{\"roles\":[\"admin\",1.5]}"))
NITRO_ENTITY(session, SESSION)
NITRO_ENTITY_DEFINE(session, SESSION);

#define ACCOUNT(X) \
	X(id,    INT,  NITRO_F_ID) \
	X(email, TEXT, NITRO_F_UNIQUE) \
	X(pin,   INT,  NITRO_F_UNIQUE) \
	X(score, REAL, NITRO_F_UNIQUE)
NITRO_ENTITY(account, ACCOUNT)
NITRO_ENTITY_DEFINE(account, ACCOUNT);

static int64_t fake_now = 1000000;

static int64_t clock_fn(void *arg)
{
	(void)arg;
	return __atomic_load_n(&fake_now, __ATOMIC_RELAXED);
}

static int64_t add(const char *user)
{
	struct session s;

	session_init(&s);
	s.user = strdup(user);
	if (session_save(&s) < 0)
		printf("# save: %s\n", nitro_errmsg());
	{
		int64_t id = s.id;

		session_clear(&s);
		return id;
	}
}

static void test_ttl(void)
{
	struct nitro_memrepo_opts o = {.ttl_ms = 1000, .now_ms = clock_fn};
	nitro_repo *r = nitro_memrepo_new(&o);
	struct session s;
	size_t n;
	int64_t a, b;

	T_EQ_STR(nitro_repo_name(r), "memory", "repository name");
	T_EQ_INT(nitro_entity_bind(&session_schema, r, NULL), 0, "bind");
	a = add("ann");
	fake_now += 500;
	b = add("bob");
	T_EQ_INT(nitro_memrepo_expire(r, &session_schema, nitro_id_int(b), 0), 0,
	    "bob lives forever");
	fake_now += 600;	/* ann is 1100 ms old */
	T_EQ_INT(session_get(nitro_id_int(a), &s), NITRO_ENOTFOUND, "expired is invisible at once");
	T_EQ_INT(session_exists(nitro_id_int(b)), 1, "the other lives");
	session_count(NULL, &n);
	T_EQ_INT(n, 1, "count skips expired");
	T_EQ_INT(session_delete(nitro_id_int(a)), NITRO_ENOTFOUND, "cannot delete an expired record");
	T_EQ_INT(nitro_memrepo_sweep(r), 1, "sweep removes the expired record");
	T_EQ_INT(nitro_memrepo_sweep(r), 0, "second sweep has nothing to do");

	T_EQ_INT(nitro_memrepo_expire(r, &session_schema, nitro_id_int(b), 10), 0, "expire bob");
	fake_now += 11;
	T_EQ_INT(session_exists(nitro_id_int(b)), 0, "bob expired");
	T_EQ_INT(nitro_memrepo_expire(r, &session_schema, nitro_id_int(b), 10), NITRO_ENOTFOUND,
	    "expire an expired record");
	T_EQ_INT(nitro_memrepo_expire(r, &session_schema, nitro_id_int(b), -1), NITRO_EINVAL,
	    "negative ttl");
	T_EQ_INT(nitro_memrepo_expire(NULL, &session_schema, nitro_id_int(b), 1), NITRO_EINVAL,
	    "no repository");
	nitro_repo_free(r);
	T_OK(nitro_memrepo_new(&(struct nitro_memrepo_opts){.ttl_ms = -5}) == NULL,
	    "negative default ttl refused");
}

static void test_sweeper(void)
{
	struct nitro_memrepo_opts o = {.ttl_ms = 1, .sweep_ms = 5};
	nitro_repo *r = nitro_memrepo_new(&o);
	struct timespec ts = {0, 2000000};
	size_t n = 1;

	nitro_entity_bind(&session_schema, r, NULL);
	for (int i = 0; i < 50; i++)
		add("x");
	/* The sweeper runs every 5 ms; records live 1 ms.  Wait up to 2 s. */
	for (int i = 0; i < 1000; i++) {
		nitro_entity_bind(&session_schema, r, NULL);
		nanosleep(&ts, NULL);
		if (nitro_memrepo_sweep(r) == 0)
			break;
	}
	session_count(NULL, &n);
	T_EQ_INT(n, 0, "the periodic sweeper ran with the repository in use");
	nitro_repo_free(r);
}

static void test_growth(void)
{
	nitro_repo *r = nitro_memrepo_new(NULL);
	struct session s;
	int ok = 1;

	nitro_entity_bind(&session_schema, r, NULL);
	for (int i = 1; i <= 5000; i++)
		add("u");
	for (int i = 1; i <= 5000; i += 7) {
		if (session_get(nitro_id_int(i), &s) != 0 || s.id != i)
			ok = 0;
		else
			session_clear(&s);
	}
	T_OK(ok, "5000 records across many table growths");
	nitro_repo_free(r);
}

static int save_account(const char *email, int64_t pin, double score)
{
	struct account a;
	int rc;

	account_init(&a);
	a.email = email ? strdup(email) : NULL;
	a.pin = pin;
	a.score = score;
	rc = account_save(&a);
	account_clear(&a);
	return rc;
}

/* The unique indexes, across table growth, expiry and sweeps. */
static void test_unique_index(void)
{
	struct nitro_memrepo_opts o = {.now_ms = clock_fn};
	nitro_repo *r = nitro_memrepo_new(&o);
	char email[32];
	int ok = 1;

	nitro_entity_bind(&account_schema, r, NULL);
	for (int i = 0; i < 3000; i++) {
		snprintf(email, sizeof email, "u%d@x", i);
		ok &= save_account(email, i, i + 0.5) == 0;
	}
	T_OK(ok, "3000 accounts with three unique fields");
	T_EQ_INT(save_account("u2999@x", -1, -1), NITRO_EEXIST, "text taken after growth");
	T_EQ_INT(save_account("new@x", 17, -1), NITRO_EEXIST, "integer taken");
	T_EQ_INT(save_account("new@x", -1, 17.5), NITRO_EEXIST, "real taken");
	T_EQ_INT(save_account("zero@x", -2, 0.0), 0, "real 0.0");
	T_EQ_INT(save_account("negzero@x", -3, -0.0), NITRO_EEXIST, "-0.0 equals 0.0");
	T_EQ_INT(save_account(NULL, -4, -4), 0, "NULL is never taken");
	T_EQ_INT(save_account(NULL, -5, -5), 0, "a second NULL");
	T_EQ_INT(nitro_memrepo_expire(r, &account_schema, nitro_id_int(1), 5), 0, "expire u0");
	fake_now += 10;
	T_EQ_INT(save_account("u0@x", 0, 0.5), 0, "an expired record's values are free");
	nitro_memrepo_sweep(r);
	T_EQ_INT(save_account("u0@x", -6, -6), NITRO_EEXIST, "the new owner holds it after a sweep");
	nitro_repo_free(r);
}

/* Readers and writers on one store at once (run under TSan in CI). */
static nitro_repo *shared;
static atomic_int stop;

static void *reader(void *arg)
{
	struct session s;
	nitro_rows rows;
	long *seen = arg;

	while (!atomic_load(&stop)) {
		if (session_get(nitro_id_int(1), &s) == 0) {
			/* JSON values are deep copies too: read them freely. */
			*seen += strcmp(s.user, "first") == 0 &&
			    strcmp(json_object_to_json_string(s.meta),
			    "{ \"roles\": [ \"admin\", 1.5 ] }") == 0;
			session_clear(&s);
		}
		if (session_all(&rows) == 0)
			nitro_rows_free(&rows);
	}
	return NULL;
}

static void *writer(void *arg)
{
	(void)arg;
	for (int i = 0; i < 300; i++) {
		int64_t id = add("w");

		if (i % 3 == 0)
			session_delete(nitro_id_int(id));
	}
	return NULL;
}

static void test_readers_writers(void)
{
	pthread_t rd[2], wr[2];
	long seen[2] = {0, 0};
	size_t n;

	shared = nitro_memrepo_new(NULL);
	nitro_entity_bind(&session_schema, shared, NULL);
	add("first");
	for (int i = 0; i < 2; i++) {
		pthread_create(&rd[i], NULL, reader, &seen[i]);
		pthread_create(&wr[i], NULL, writer, NULL);
	}
	for (int i = 0; i < 2; i++)
		pthread_join(wr[i], NULL);
	atomic_store(&stop, 1);
	for (int i = 0; i < 2; i++)
		pthread_join(rd[i], NULL);
	session_count(NULL, &n);
	T_EQ_INT(n, 1 + 2 * 200, "writers' records all accounted for");
	T_OK(seen[0] > 0 && seen[1] > 0, "readers saw the stable record, JSON included");
	nitro_repo_free(shared);
}

int main(void)
{
	struct repo_conformance rc = {"memory", make_mem, NULL, t_check};

	nitro_log_set_level(NITRO_LOG_OFF);
	repo_conformance_run(&rc);
	test_ttl();
	test_sweeper();
	test_growth();
	test_unique_index();
	test_readers_writers();
	{
		nitro_repo *m = nitro_memrepo_new(NULL);

		T_EQ_INT(nitro_repo_ping(m), 0, "ping: memory always answers");
		nitro_repo_free(m);
	}
	return t_done();
}
