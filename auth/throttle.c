/*
 * Counters of failed logins, one row of the nitro_throttle entity per
 * subject ("a:" and the digest of an account's address, "r:" and a client
 * address), stored through the repository so that every worker process
 * counts the same failures.
 *
 * A counter is a fixed window: it starts at the first failure (since)
 * and lasts window_ms; a counter whose window has passed counts as none
 * and is restarted by the next failure, or deleted by the sweep.  Two
 * workers counting the same subject at the same moment may both write
 * the count they read plus one: a failure can go uncounted under a race,
 * never a login refused that should pass.
 */
#include <string.h>

#include "auth/internal.h"

static int stale(const nitro_auth *a, const struct nitro_throttle *t, int64_t now)
{
	return now - t->since >= a->o.window_ms;
}

int nitro__throttle_check(nitro_auth *a, const char *key, unsigned limit, int64_t *retry_s)
{
	struct nitro_throttle t;
	int64_t now = nitro__auth_now(a), left;
	int rc = nitro_throttle_find_by("subject", nitro_v_text(key), &t);

	*retry_s = 0;
	if (rc == NITRO_ENOTFOUND)
		return 0;
	if (rc != 0)
		return rc;
	left = t.since + a->o.window_ms - now;
	rc = !stale(a, &t, now) && t.failures >= (int64_t)limit;
	nitro_throttle_clear(&t);
	if (!rc)
		return 0;
	*retry_s = (left + 999) / 1000;
	if (*retry_s < 1)
		*retry_s = 1;
	return nitro_error(NITRO_EBUSY, "too many failed logins; try again in %lld s",
	    (long long)*retry_s);
}

/* A first failure for key: a new row, unless the table is full. */
static int first_failure(nitro_auth *a, const char *key, int64_t now)
{
	struct nitro_throttle t;
	size_t rows = 0;
	int rc;

	if ((rc = nitro_throttle_count(NULL, &rows)) != 0)
		return rc;
	if (rows >= a->o.throttle_rows) {
		nitro_log(NITRO_LOG_WARN, "login throttle: the table is full; "
		    "a failure is not counted", "subject", key, NULL);
		return 0;
	}
	if ((rc = nitro_throttle_init(&t)) != 0)
		return rc;
	t.failures = 1;
	t.since = now;
	if ((t.subject = strdup(key)) == NULL)
		rc = nitro_error(NITRO_ENOMEM, "throttle: out of memory");
	else
		rc = nitro_throttle_save(&t);
	nitro_throttle_clear(&t);
	return rc;
}

int nitro__throttle_fail(nitro_auth *a, const char *key)
{
	int64_t now = nitro__auth_now(a);

	/* Twice at most: a worker that lost the race to make the row
	 * (NITRO_EEXIST on the unique subject) counts on the winner's. */
	for (int attempt = 0; attempt < 2; attempt++) {
		struct nitro_throttle t;
		int rc = nitro_throttle_find_by("subject", nitro_v_text(key), &t);

		if (rc == NITRO_ENOTFOUND) {
			rc = first_failure(a, key, now);
			if (rc == NITRO_EEXIST)
				continue;
			return rc;
		}
		if (rc != 0)
			return rc;
		if (stale(a, &t, now)) {
			t.failures = 1;
			t.since = now;
		} else {
			t.failures++;
		}
		rc = nitro_throttle_save(&t);
		nitro_throttle_clear(&t);
		return rc;
	}
	return 0;
}

int nitro__throttle_clear(nitro_auth *a, const char *key)
{
	(void)a;
	return nitro__auth_forget(&nitro_throttle_schema, "subject", key);
}

size_t nitro__throttle_sweep(nitro_auth *a)
{
	nitro_cond old = { "since", NITRO_OP_LE,
		nitro_v_int(nitro__auth_now(a) - a->o.window_ms) };
	nitro_query q = { .all = &old, .nall = 1, .limit = NITRO__SWEEP_ROWS };

	size_t gone = 0;

	nitro__auth_delete(&nitro_throttle_schema, &q, &gone);
	return gone;
}
