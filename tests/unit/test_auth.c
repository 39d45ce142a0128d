/*
 * Unit tests for the auth layer's pieces without a request: Argon2id
 * hashes, addresses, session timeouts and the sweep on a clock the test
 * moves, and the counting of failed logins.  Entities live in the memory
 * repository; Argon2id runs at libsodium's minimum cost.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nitro/sql.h"
#include "auth/internal.h"
#include "t.h"

static int64_t clock_ms = 1700000000000;

static int64_t test_now(void *arg)
{
	(void)arg;
	return clock_ms;
}

static nitro_auth *make(nitro_repo *repo)
{
	struct nitro_auth_opts o = {
		.idle_ms = 10000, .absolute_ms = 60000, .sweep_ms = 1000000,
		.window_ms = 30000, .account_failures = 3, .address_failures = 5,
		.throttle_rows = 4,
		.pw_opslimit = crypto_pwhash_OPSLIMIT_MIN,
		.pw_memlimit = crypto_pwhash_MEMLIMIT_MIN,
		.now_ms = test_now,
	};

	return nitro_auth_new(repo, &o);
}

static void test_passwords(nitro_auth *a)
{
	char h1[crypto_pwhash_STRBYTES], h2[crypto_pwhash_STRBYTES];
	struct nitro_auth_opts strong = { 0 };

	T_EQ_INT(nitro__pw_hash(a, "correct horse", h1), 0, "a password hashes");
	T_OK(strncmp(h1, "$argon2id$", 10) == 0, "with Argon2id");
	T_EQ_INT(nitro__pw_hash(a, "correct horse", h2), 0, "and again");
	T_OK(strcmp(h1, h2) != 0, "with a new salt each time");
	T_EQ_INT(nitro__pw_verify(h1, "correct horse"), 0, "the right password verifies");
	T_EQ_INT(nitro__pw_verify(h1, "correct hors"), NITRO_EVALIDATE, "a wrong one does not");
	T_EQ_STR(nitro_errmsg(), "wrong email or password", "with one message for both causes");
	T_EQ_INT(nitro__pw_verify(h1, ""), NITRO_EVALIDATE, "nor the empty one");
	T_EQ_INT(nitro__pw_verify("$argon2id$garbage", "x"), NITRO_EVALIDATE,
	    "a malformed hash verifies nothing");
	T_EQ_INT(nitro__pw_needs_rehash(a, h1), 0, "a hash of the current cost needs no rehash");
	strong.pw_opslimit = crypto_pwhash_OPSLIMIT_MIN + 1;
	strong.pw_memlimit = crypto_pwhash_MEMLIMIT_MIN;
	{
		nitro_auth b = *a;

		b.o.pw_opslimit = strong.pw_opslimit;
		T_EQ_INT(nitro__pw_needs_rehash(&b, h1), 1, "a higher cost asks for a rehash");
	}
	T_EQ_INT(nitro__pw_check("short"), NITRO_EVALIDATE, "a password under 8 characters is refused");
	T_EQ_INT(nitro__pw_check("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"), 0,
	    "8 characters of 2 bytes each pass (characters, not bytes)");
	T_EQ_INT(nitro__pw_check("abcdefg\xff"), NITRO_EVALIDATE, "invalid UTF-8 is refused");
	{
		char big[NITRO_AUTH_PASSWORD_MAX + 2];

		memset(big, 'x', sizeof big - 1);
		big[sizeof big - 1] = '\0';
		T_EQ_INT(nitro__pw_check(big), NITRO_EVALIDATE, "a password over the limit is refused");
	}
}

static void test_emails(void)
{
	char out[NITRO_AUTH_EMAIL_MAX + 1], big[NITRO_AUTH_EMAIL_MAX + 10];
	static const char *const bad[] = {
		"", "   ", "ann", "@example.com", "ann@", "ann@@example.com",
		"a b@example.com", "ann@example", "ann@example.", "ann@.com",
		"ann\x7f@example.com", "ann\x01@example.com", NULL
	};

	T_EQ_INT(nitro__email_normalise("  Ann.Lee@Example.COM\t", out), 0, "an address is accepted");
	T_EQ_STR(out, "ann.lee@example.com", "trimmed and lower-cased");
	for (size_t i = 0; bad[i] != NULL; i++)
		T_EQ_INT(nitro__email_normalise(bad[i], out), NITRO_EVALIDATE, bad[i]);
	memset(big, 'a', sizeof big);
	memcpy(big + sizeof big - 13, "@example.com", 13);
	T_EQ_INT(nitro__email_normalise(big, out), NITRO_EVALIDATE, "an address over 254 bytes is refused");
}

static void test_sessions(nitro_auth *a)
{
	char t1[NITRO__TOKEN_HEX], t2[NITRO__TOKEN_HEX], d[NITRO__HASH_HEX];
	struct nitro_session s;
	size_t n = 0;

	T_EQ_INT(nitro__session_create(a, 7, t1), 0, "a session is made");
	T_EQ_INT(strlen(t1), 64, "its id is 256 bits as hex");
	T_EQ_INT(nitro__session_create(a, 7, t2), 0, "another");
	T_OK(strcmp(t1, t2) != 0, "with another id");
	T_EQ_INT(nitro__session_find(a, t1, &s), 0, "the id finds its session");
	T_EQ_INT(s.account, 7, "of its account");
	nitro__hash_hex(t1, 64, d);
	T_EQ_STR(s.digest, d, "the store holds the id's digest");
	T_OK(strcmp(s.digest, t1) != 0, "not the id");
	nitro_session_clear(&s);
	{
		char forged[NITRO__TOKEN_HEX];

		memcpy(forged, t1, sizeof forged);
		forged[0] = forged[0] == 'a' ? 'b' : 'a';
		T_EQ_INT(nitro__session_find(a, forged, &s), NITRO_ENOTFOUND, "a changed id finds nothing");
	}
	T_EQ_INT(nitro__session_find(a, "ABC", &s), NITRO_ENOTFOUND, "a malformed id finds nothing");
	T_EQ_INT(nitro__session_find(a, d, &s), NITRO_ENOTFOUND, "nor does the digest as an id");
	{
		char upper[NITRO__TOKEN_HEX];

		for (int i = 0; i < 65; i++)
			upper[i] = (char)(t1[i] >= 'a' && t1[i] <= 'f' ? t1[i] - 32 : t1[i]);
		T_EQ_INT(nitro__session_find(a, upper, &s), NITRO_ENOTFOUND,
		    "nor the id in upper case");
	}

	/* Idle timeout: used within 10 s it lives on. */
	clock_ms += 9000;
	T_EQ_INT(nitro__session_find(a, t1, &s), 0, "used 9 s later: alive");
	nitro_session_clear(&s);
	T_EQ_INT(nitro__session_find(a, t2, &s), 0, "the other too");
	nitro_session_clear(&s);
	clock_ms += 9000;
	T_EQ_INT(nitro__session_find(a, t1, &s), 0, "9 s after its last use: alive (its use was recorded)");
	nitro_session_clear(&s);
	clock_ms += 10000;
	T_EQ_INT(nitro__session_find(a, t1, &s), NITRO_ENOTFOUND, "10 s idle: ended");
	T_EQ_INT(nitro_session_count(NULL, &n) == 0 ? (long long)n : -1, 1, "and its row deleted");
	T_EQ_INT(nitro__session_find(a, t2, &s), NITRO_ENOTFOUND, "the other ended too");

	/* Absolute timeout: in use all along, it still ends after 60 s. */
	T_EQ_INT(nitro__session_create(a, 8, t1), 0, "a new session");
	for (int i = 0; i < 7; i++) {
		clock_ms += 8000;
		if (nitro__session_find(a, t1, &s) == 0)
			nitro_session_clear(&s);
	}
	T_EQ_INT(nitro__session_find(a, t1, &s), 0, "used every 8 s for 56 s: alive");
	nitro_session_clear(&s);
	clock_ms += 4000;
	T_EQ_INT(nitro__session_find(a, t1, &s), NITRO_ENOTFOUND, "at 60 s: ended however used");

	/* End (logout). */
	T_EQ_INT(nitro__session_create(a, 9, t1), 0, "a session");
	T_EQ_INT(nitro__session_end(a, t1), 0, "is ended");
	T_EQ_INT(nitro__session_find(a, t1, &s), NITRO_ENOTFOUND, "and its id finds nothing");
	T_EQ_INT(nitro__session_end(a, t1), 0, "ending it again is no error");
	T_EQ_INT(nitro__session_end(a, NULL), 0, "nor is ending none");

	/* The sweep deletes ended rows nobody presents again. */
	T_EQ_INT(nitro__session_create(a, 10, t1), 0, "three sessions");
	T_EQ_INT(nitro__session_create(a, 11, t2), 0, "...");
	clock_ms += 5000;
	{
		char t3[NITRO__TOKEN_HEX];

		T_EQ_INT(nitro__session_create(a, 12, t3), 0, "...");
		clock_ms += 6000;	/* the first two idle 11 s, the third 6 s */
		T_EQ_INT(nitro_auth_sweep(a), 2, "the sweep deletes the two ended ones");
		T_EQ_INT(nitro_session_count(NULL, &n) == 0 ? (long long)n : -1, 1, "one row is left");
		T_EQ_INT(nitro__session_find(a, t3, &s), 0, "the live one");
		nitro_session_clear(&s);
	}
}

static void test_throttle(nitro_auth *a)
{
	int64_t retry = -1;
	size_t n = 0;

	T_EQ_INT(nitro__throttle_check(a, "a:x", 3, &retry), 0, "no failures: not throttled");
	T_EQ_INT(retry, 0, "and no wait");
	T_EQ_INT(nitro__throttle_fail(a, "a:x"), 0, "a failure");
	T_EQ_INT(nitro__throttle_fail(a, "a:x"), 0, "a second");
	T_EQ_INT(nitro__throttle_check(a, "a:x", 3, &retry), 0, "two of three: not throttled");
	clock_ms += 10000;
	T_EQ_INT(nitro__throttle_fail(a, "a:x"), 0, "a third, 10 s later");
	T_EQ_INT(nitro__throttle_check(a, "a:x", 3, &retry), NITRO_EBUSY, "three of three: throttled");
	T_EQ_INT(retry, 20, "until the window (30 s from the first) ends: 20 s");
	T_OK(strstr(nitro_errmsg(), "try again in 20 s") != NULL, "the message says when");
	T_EQ_INT(nitro__throttle_check(a, "a:y", 3, &retry), 0, "another key is not");
	clock_ms += 19500;
	T_EQ_INT(nitro__throttle_check(a, "a:x", 3, &retry), NITRO_EBUSY, "still at 29.5 s");
	T_EQ_INT(retry, 1, "for a second (rounded up)");
	clock_ms += 500;
	T_EQ_INT(nitro__throttle_check(a, "a:x", 3, &retry), 0, "at 30 s the window has passed");
	T_EQ_INT(nitro__throttle_fail(a, "a:x"), 0, "a failure then");
	T_EQ_INT(nitro__throttle_fail(a, "a:x"), 0, "and another");
	T_EQ_INT(nitro__throttle_check(a, "a:x", 3, &retry), 0, "count from 1 again: not throttled");
	T_EQ_INT(nitro__throttle_clear(a, "a:x"), 0, "a success clears the count");
	T_EQ_INT(nitro__throttle_fail(a, "a:x"), 0, "...");
	T_EQ_INT(nitro__throttle_fail(a, "a:x"), 0, "...");
	T_EQ_INT(nitro__throttle_check(a, "a:x", 3, &retry), 0, "two after the clear: not throttled");

	/* Bounded: at most throttle_rows (4) counters. */
	T_EQ_INT(nitro__throttle_fail(a, "r:1"), 0, "counters for more keys");
	T_EQ_INT(nitro__throttle_fail(a, "r:2"), 0, "...");
	T_EQ_INT(nitro__throttle_fail(a, "r:3"), 0, "...");
	T_EQ_INT(nitro__throttle_fail(a, "r:4"), 0, "past the limit: no error");
	T_EQ_INT(nitro_throttle_count(NULL, &n) == 0 ? (long long)n : -1, 4, "and no fifth row");
	clock_ms += 30000;
	T_EQ_INT(nitro__throttle_sweep(a), 4, "the sweep deletes the counters whose window passed");
	T_EQ_INT(nitro__throttle_fail(a, "r:4"), 0, "and then the new key is counted");
	T_EQ_INT(nitro_throttle_count(NULL, &n) == 0 ? (long long)n : -1, 1, "in its own row");
}

static void test_opts(nitro_repo *repo)
{
	struct nitro_auth_opts o = { .cookie_name = "bad name" };

	T_OK(nitro_auth_new(repo, &o) == NULL && nitro_errcode() == NITRO_EINVAL,
	    "a cookie name that is not a token is refused");
	o.cookie_name = NULL;
	o.login_path = "//evil.example/login";
	T_OK(nitro_auth_new(repo, &o) == NULL && nitro_errcode() == NITRO_EINVAL,
	    "a login path that is not local is refused");
	o.login_path = NULL;
	o.pw_memlimit = 1;
	T_OK(nitro_auth_new(repo, &o) == NULL && nitro_errcode() == NITRO_EINVAL,
	    "Argon2id limits below libsodium's are refused");
	T_OK(nitro_auth_new(NULL, NULL) == NULL && nitro_errcode() == NITRO_EINVAL,
	    "no repository is refused");
	T_OK(nitro_auth_schemas()[3] == NULL && strcmp(nitro_auth_schemas()[0]->name,
	    "nitro_account") == 0, "three schemas, accounts first");
}

int main(void)
{
	nitro_repo *repo = nitro_memrepo_new(NULL);
	nitro_auth *a = make(repo);

	T_OK(a != NULL, "nitro_auth_new on the memory repository");
	if (a == NULL) {
		printf("# %s\n", nitro_errmsg());
		return t_done();
	}
	test_passwords(a);
	test_emails();
	test_sessions(a);
	test_throttle(a);
	test_opts(repo);
	nitro_auth_free(a);
	nitro_repo_free(repo);

	/* The same on SQLite: the entities need nothing of the store. */
	{
		char path[] = "/tmp/nitro-test-auth-XXXXXX";
		struct nitro_sql_opts so = { .create_tables = 1 };
		int fd = mkstemp(path);

		if (fd >= 0)
			close(fd);
		repo = nitro_sqlrepo_new(path, &so);
		a = repo != NULL ? make(repo) : NULL;
		T_OK(a != NULL, "nitro_auth_new on a SQLite repository");
		if (a != NULL) {
			test_sessions(a);
			test_throttle(a);
		}
		nitro_auth_free(a);
		nitro_repo_free(repo);
		unlink(path);
		for (const char *const *x = (const char *const[]){"-wal", "-shm", NULL}; *x; x++) {
			char aside[sizeof path + 4];

			snprintf(aside, sizeof aside, "%s%s", path, *x);
			unlink(aside);
		}
	}
	return t_done();
}
