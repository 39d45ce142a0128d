/*
 * Durability under SIGKILL.  A child process saves records through the
 * SQLite repository (single saves and batches, with the change log on)
 * and writes each acknowledged id to a pipe; the parent kills it with
 * SIGKILL at a random moment, many times over.  Afterwards the database
 * must pass PRAGMA integrity_check, hold every acknowledged record intact,
 * and hold exactly one logged event per stored record (the outbox).
 *
 * Bounded: at most KILLS kills and about BUDGET_MS of wall time.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "nitro/core.h"
#include "nitro/sql.h"
#include "tests/unit/t.h"

#define KILLS 30
#define BUDGET_MS 20000
#define MAX_ACKS 200000

#define REC(X) \
	X(id,   INT,  NITRO_F_ID) \
	X(name, TEXT, NITRO_F_REQUIRED, NITRO_F_UNIQUE) \
	X(seq,  INT,  NITRO_F_REQUIRED) \
	X(sum,  INT) \
	X(data, BLOB)
NITRO_ENTITY(rec, REC)
NITRO_ENTITY_DEFINE(rec, REC);

struct ack {
	int64_t id, seq;
};

static char dir[] = "/tmp/nitro-durable-XXXXXX";
static char path[200];

/* The content a record with this seq must have. */
static void fill(struct rec *r, int64_t seq)
{
	char name[40];
	size_t n = (size_t)(seq % 300) + 1;

	rec_init(r);
	snprintf(name, sizeof name, "rec-%lld", (long long)seq);
	r->name = strdup(name);
	r->seq = seq;
	r->sum = seq * 7919 % 1000003;
	r->data.data = malloc(n);
	for (size_t i = 0; i < n; i++)
		r->data.data[i] = (unsigned char)(seq + (int64_t)i);
	r->data.len = n;
}

static int intact(const struct rec *r, int64_t seq)
{
	struct rec want;
	int ok;

	fill(&want, seq);
	ok = r->seq == seq && strcmp(r->name, want.name) == 0 && r->sum == want.sum &&
	    r->data.len == want.data.len &&
	    memcmp(r->data.data, want.data.data, want.data.len) == 0;
	rec_clear(&want);
	return ok;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The child: save forever, acknowledging each committed record. */
static void child(int fd, int64_t seq)
{
	struct nitro_sql_opts o = {.create_tables = 1, .log_changes = 1};
	nitro_repo *r = nitro_sqlrepo_new(path, &o);

	if (r == NULL || nitro_entity_bind(&rec_schema, r, NULL) < 0)
		_exit(3);
	for (;;) {
		struct rec b[4];
		int n = seq % 5 == 0 ? 4 : 1;	/* some batches */
		struct ack a[4];

		for (int i = 0; i < n; i++)
			fill(&b[i], seq + i);
		if ((n == 1 ? rec_save(&b[0]) : rec_save_many(b, (size_t)n)) < 0)
			_exit(4);
		for (int i = 0; i < n; i++) {
			a[i].id = b[i].id;
			a[i].seq = seq + i;
			rec_clear(&b[i]);
		}
		if (write(fd, a, sizeof a[0] * (size_t)n) != (ssize_t)(sizeof a[0] * (size_t)n))
			_exit(5);
		seq += n;
	}
}

int main(void)
{
	static struct ack acks[MAX_ACKS];
	size_t nacks = 0;
	int64_t start = now_ms(), seq = 1;
	int kills = 0, bad_exit = 0;
	unsigned seed = (unsigned)time(NULL) ^ (unsigned)getpid();

	nitro_log_set_level(NITRO_LOG_OFF);
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(path, sizeof path, "%s/durable.db", dir);
	printf("# seed %u\n", seed);
	srand(seed);
	while (kills < KILLS && now_ms() - start < BUDGET_MS) {
		int p[2], status;
		pid_t pid;
		ssize_t got;

		if (pipe(p) < 0)
			return 1;
		if ((pid = fork()) < 0)
			return 1;
		if (pid == 0) {
			close(p[0]);
			child(p[1], seq);
		}
		close(p[1]);
		/* Let it run 20 to 400 ms, reading acks as they come. */
		{
			int64_t until = now_ms() + 20 + rand() % 380;

			fcntl(p[0], F_SETFL, O_NONBLOCK);
			while (now_ms() < until) {
				got = read(p[0], &acks[nacks], sizeof acks[0] *
				    (MAX_ACKS - nacks > 64 ? 64 : MAX_ACKS - nacks));
				if (got > 0)
					nacks += (size_t)got / sizeof acks[0];
				else
					usleep(1000);
			}
		}
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		if (!WIFSIGNALED(status))
			bad_exit++;
		kills++;
		/* What was written before the kill was acknowledged. */
		fcntl(p[0], F_SETFL, 0);
		while (nacks < MAX_ACKS && (got = read(p[0], &acks[nacks],
		    sizeof acks[0] * (MAX_ACKS - nacks > 64 ? 64 : MAX_ACKS - nacks))) > 0)
			nacks += (size_t)got / sizeof acks[0];
		close(p[0]);
		/* The next child continues after everything ever tried: a
		 * killed batch may have committed without its ack. */
		seq += 100000;
	}
	printf("# %d kills, %zu acknowledged records in %lld ms\n", kills, nacks,
	    (long long)(now_ms() - start));
	T_OK(kills >= 10, "the child was killed many times");
	T_EQ_INT(bad_exit, 0, "every child died by SIGKILL, not by a failed save");
	T_OK(nacks > 0, "records were acknowledged");

	{
		sqlite3 *db;
		sqlite3_stmt *st;
		char *res = NULL;
		long long recs = -1, evs = -2;

		sqlite3_open(path, &db);
		sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL);
		if (sqlite3_step(st) == SQLITE_ROW)
			res = strdup((const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
		T_EQ_STR(res, "ok", "PRAGMA integrity_check is ok");
		free(res);
		sqlite3_prepare_v2(db, "SELECT (SELECT count(*) FROM rec), (SELECT count(*) FROM "
		    "nitro_events WHERE topic = 'rec.saved')", -1, &st, NULL);
		if (sqlite3_step(st) == SQLITE_ROW) {
			recs = sqlite3_column_int64(st, 0);
			evs = sqlite3_column_int64(st, 1);
		}
		sqlite3_finalize(st);
		sqlite3_close(db);
		T_OK(recs >= (long long)nacks, "at least every acknowledged record is stored");
		T_EQ_INT(evs, recs, "exactly one logged event per stored record (outbox)");
	}
	{
		nitro_repo *r = nitro_sqlrepo_new(path, NULL);
		size_t good = 0;

		if (r == NULL || nitro_entity_bind(&rec_schema, r, NULL) < 0) {
			T_OK(0, "reopen the database");
		} else {
			for (size_t i = 0; i < nacks; i++) {
				struct rec got;

				if (rec_get(nitro_id_int(acks[i].id), &got) == 0) {
					good += intact(&got, acks[i].seq);
					rec_clear(&got);
				}
			}
			T_EQ_INT(good, nacks, "every acknowledged record is present and intact");
		}
		nitro_repo_free(r);
	}
	{
		char cmd[200];

		snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			printf("# could not remove %s\n", dir);
	}
	return t_done();
}
