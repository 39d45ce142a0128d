/*
 * Connections: one per thread and repository, opened on first use and
 * configured once (WAL, busy_timeout, foreign keys, synchronous), each
 * with its own prepared statements.  SQLite connections are not meant to
 * be shared between threads that run at once; one per thread needs no
 * lock on the hot path.  Errors are mapped to NITRO_E* codes here.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/file.h>

#include "core/uow.h"
#include "sql/internal.h"

int nitro__sql_error(sqlite3 *db, int rc, const char *what)
{
	const char *msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
	const char *col;

	switch (rc & 0xff) {
	case SQLITE_CONSTRAINT:
		/* "UNIQUE constraint failed: table.column": name the column. */
		col = strrchr(msg, '.');
		col = col ? col + 1 : msg;
		if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
			return nitro_error(NITRO_EEXIST, "%s: is already taken", col);
		if (rc == SQLITE_CONSTRAINT_NOTNULL)
			return nitro_error(NITRO_ECONSTRAINT, "%s: is required", col);
		if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
			return nitro_error(NITRO_ECONSTRAINT, "%s: foreign key constraint failed",
			    what);
		return nitro_error(NITRO_ECONSTRAINT, "%s: %s", what, msg);
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return nitro_error(NITRO_EBUSY, "%s: the database stayed locked past the busy "
		    "timeout (%s)", what, msg);
	case SQLITE_READONLY:
		return nitro_error(NITRO_EIO, "%s: the database is read-only (%s)", what, msg);
	case SQLITE_FULL:
		return nitro_error(NITRO_EIO, "%s: the disk or database is full", what);
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		return nitro_error(NITRO_EIO, "%s: the database file is corrupt or not a "
		    "database (%s)", what, msg);
	case SQLITE_NOMEM:
		return nitro__oom(what);
	case SQLITE_CANTOPEN:
		return nitro_error(NITRO_EIO, "%s: cannot open the database (%s)", what, msg);
	case SQLITE_TOOBIG:
		return nitro_error(NITRO_ELIMIT, "%s: value too big", what);
	}
	return nitro_error(NITRO_EIO, "%s: %s", what, msg);
}

int nitro__sql_open(const struct sqlrepo *sr, int readonly, sqlite3 **out)
{
	int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE |
	    (readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
	char pragmas[200];
	sqlite3 *db = NULL;
	int rc;

	rc = sqlite3_open_v2(sr->path, &db, flags, NULL);
	if (rc != SQLITE_OK) {
		rc = nitro__sql_error(db, rc, sr->path);
		sqlite3_close(db);
		return rc;
	}
	sqlite3_extended_result_codes(db, 1);
	/* SQLite reads a double-quoted name it cannot find as a string
	 * literal: a column missing from the table would read as its own
	 * name.  Off, in statements and in schema text alike. */
	sqlite3_db_config(db, SQLITE_DBCONFIG_DQS_DML, 0, (int *)NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_DQS_DDL, 0, (int *)NULL);
	sqlite3_busy_timeout(db, sr->o.busy_timeout_ms > 0 ? sr->o.busy_timeout_ms : 0);
	/* WAL is a property of the file: a read-only open cannot set it. */
	snprintf(pragmas, sizeof pragmas,
	    "%sPRAGMA foreign_keys=ON; PRAGMA synchronous=%s;",
	    readonly ? "" : "PRAGMA journal_mode=WAL; ",
	    sr->o.synchronous_full ? "FULL" : "NORMAL");
	rc = sqlite3_exec(db, pragmas, NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		rc = nitro__sql_error(db, rc, sr->path);
		sqlite3_close(db);
		return rc;
	}
	*out = db;
	return 0;
}

/*
 * Several workers started at once may all meet a database that does not
 * exist yet.  Turning a new file to WAL can answer SQLITE_BUSY at once,
 * without waiting out busy_timeout, to the processes that lose the race;
 * so the first setup of a file (its journal mode and Nitro's own tables)
 * is done by one process at a time, under an flock(2) of the directory
 * that holds it.  flock is not SQLite's fcntl locking, and no descriptor
 * of the database file itself is opened or closed here, which would drop
 * SQLite's own locks.  Returns the descriptor to pass to
 * nitro__sql_setup_unlock(), or -1 when the directory cannot be locked
 * (the setup then runs unserialized, as before).
 */
int nitro__sql_setup_lock(const struct sqlrepo *sr)
{
	char dir[4200];
	struct timespec nap = {0, 5 * 1000 * 1000};
	long waited_ms = 0;
	int fd;

	snprintf(dir, sizeof dir, "%s", sr->path);
	if ((fd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -1;
	while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if ((errno != EWOULDBLOCK && errno != EINTR) ||
		    waited_ms >= sr->o.busy_timeout_ms) {
			close(fd);
			return -1;
		}
		nanosleep(&nap, NULL);
		waited_ms += 5;
	}
	return fd;
}

void nitro__sql_setup_unlock(int fd)
{
	if (fd >= 0)
		close(fd);	/* releases the flock */
}

static void conn_close(struct sqlconn *c)
{
	for (size_t i = 0; i < c->nfixed; i++)
		sqlite3_finalize(c->fixed[i]);
	for (int i = 0; i < SQL_CACHE; i++) {
		sqlite3_finalize(c->cache[i].st);
		free(c->cache[i].sql);
	}
	free(c->fixed);
	sqlite3_close(c->db);
	free(c);
}

/* Unlink c from its repository (under the lock) and close it. */
static void conn_drop(struct sqlconn *c)
{
	struct sqlrepo *sr = c->repo;

	pthread_mutex_lock(&sr->mu);
	if (c->prev)
		c->prev->next = c->next;
	else
		sr->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	pthread_mutex_unlock(&sr->mu);
	conn_close(c);
}

/* A thread that ends closes its connection. */
static void conn_exit(void *p)
{
	conn_drop(p);
}

int nitro__sql_key_new(struct sqlrepo *sr)
{
	return pthread_key_create(&sr->key, conn_exit) == 0 ? 0 : NITRO_ENOMEM;
}

struct sqlconn *nitro__sql_conn(struct sqlrepo *sr)
{
	struct sqlconn *c = pthread_getspecific(sr->key);

	if (c != NULL)
		return c;
	if ((c = calloc(1, sizeof *c)) == NULL) {
		nitro__oom(NULL);
		return NULL;
	}
	c->repo = sr;
	if (nitro__sql_open(sr, sr->o.readonly, &c->db) < 0) {
		free(c);
		return NULL;
	}
	if (pthread_setspecific(sr->key, c) != 0) {
		conn_close(c);
		nitro__oom(NULL);
		return NULL;
	}
	pthread_mutex_lock(&sr->mu);
	c->next = sr->conns;
	if (c->next)
		c->next->prev = c;
	sr->conns = c;
	pthread_mutex_unlock(&sr->mu);
	return c;
}

sqlite3_stmt *nitro__sql_fixed(struct sqlconn *c, const struct sqlstore *st, int op)
{
	size_t k = (size_t)st->slot * SQ_NSTMT + (size_t)op;
	sqlite3_stmt *s;
	int rc;

	if (k >= c->nfixed) {
		size_t n = (k + 1) * 2;
		sqlite3_stmt **grown = realloc(c->fixed, n * sizeof *grown);

		if (grown == NULL) {
			nitro__oom(NULL);
			return NULL;
		}
		memset(grown + c->nfixed, 0, (n - c->nfixed) * sizeof *grown);
		c->fixed = grown;
		c->nfixed = n;
	}
	if ((s = c->fixed[k]) != NULL)
		return s;	/* reset after its last use */
	rc = sqlite3_prepare_v3(c->db, st->sql[op], -1, SQLITE_PREPARE_PERSISTENT, &s, NULL);
	if (rc != SQLITE_OK) {
		nitro__sql_error(c->db, rc, st->s->name);
		return NULL;
	}
	c->fixed[k] = s;
	return s;
}

static uint64_t hash_sql(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;	/* FNV-1a */

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	return h;
}

sqlite3_stmt *nitro__sql_prepare(struct sqlconn *c, const char *sql, size_t len)
{
	uint64_t h = hash_sql(sql, len);
	struct cached *e;
	unsigned i = (unsigned)(h % SQL_CACHE);
	int rc;

	/* Two probes: the home slot and the next; else evict round-robin. */
	for (int p = 0; p < 2; p++) {
		e = &c->cache[(i + (unsigned)p) % SQL_CACHE];
		if (e->st && e->hash == h && strncmp(e->sql, sql, len) == 0 &&
		    e->sql[len] == '\0') {
			/* Every parameter is bound again by the caller. */
			sqlite3_reset(e->st);
			return e->st;
		}
	}
	e = &c->cache[i];
	if (e->st) {
		e = &c->cache[(i + 1) % SQL_CACHE];
		if (e->st)
			e = &c->cache[(i + (c->clock++ & 1)) % SQL_CACHE];
	}
	sqlite3_finalize(e->st);
	free(e->sql);
	e->st = NULL;
	if ((e->sql = strndup(sql, len)) == NULL) {
		nitro__oom(NULL);
		return NULL;
	}
	rc = sqlite3_prepare_v3(c->db, sql, (int)len, SQLITE_PREPARE_PERSISTENT, &e->st, NULL);
	if (rc != SQLITE_OK) {
		nitro__sql_error(c->db, rc, "prepare");
		free(e->sql);
		e->sql = NULL;
		e->st = NULL;
		return NULL;
	}
	e->hash = h;
	return e->st;
}

int nitro__sql_exec(struct sqlconn *c, const char *sql)
{
	int rc = sqlite3_exec(c->db, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? 0 : nitro__sql_error(c->db, rc, sql);
}

/*
 * Writes take the write lock at BEGIN (IMMEDIATE): a deferred transaction
 * that reads first and then writes can meet SQLITE_BUSY that no waiting
 * resolves, whereas BEGIN IMMEDIATE waits out busy_timeout up front.
 * Inside a unit of work (nitro_sql_begin), a savepoint makes the
 * operation all-or-nothing without ending the outer transaction.
 */
int nitro__sql_tx_begin(struct sqlconn *c, int *nested)
{
	*nested = !sqlite3_get_autocommit(c->db);
	return nitro__sql_exec(c, *nested ? "SAVEPOINT nitro_op" : "BEGIN IMMEDIATE");
}

int nitro__sql_tx_end(struct sqlconn *c, int nested, int rc)
{
	if (rc == 0 && (rc = nitro__sql_exec(c, nested ? "RELEASE nitro_op" : "COMMIT")) == 0)
		return 0;
	/* The rollback leaves nitro_errmsg() alone: the first error stays. */
	if (nested)
		sqlite3_exec(c->db, "ROLLBACK TO nitro_op; RELEASE nitro_op", NULL, NULL, NULL);
	else if (!sqlite3_get_autocommit(c->db))
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

/* ---- units of work --------------------------------------------------------- */

struct sqlconn *nitro__sql_repo_conn(nitro_repo *r)
{
	if (r == NULL || r->ops != &nitro__sql_ops) {
		nitro_error(NITRO_EINVAL, "not a SQLite repository");
		return NULL;
	}
	return nitro__sql_conn((struct sqlrepo *)r);
}

static int uow_exec(void *c, const char *sql)
{
	return nitro__sql_exec(c, sql);
}

static void uow_abandon(void *conn)
{
	struct sqlconn *c = conn;

	if (!sqlite3_get_autocommit(c->db))
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
}

/* Units of work begin IMMEDIATE too, for the reason above. */
static const struct nitro__uow_sql uow_sql = {"BEGIN IMMEDIATE", uow_exec, uow_abandon};

int nitro_sql_begin(nitro_repo *r)
{
	struct sqlconn *c = nitro__sql_repo_conn(r);

	return c ? nitro__uow_begin(r, &uow_sql, c, &c->depth) : nitro__errcode();
}

static int uow_end(nitro_repo *r, int commit)
{
	struct sqlconn *c = nitro__sql_repo_conn(r);

	return c ? nitro__uow_end(r, &uow_sql, c, &c->depth, commit) : nitro__errcode();
}

int nitro_sql_commit(nitro_repo *r)
{
	return uow_end(r, 1);
}

int nitro_sql_rollback(nitro_repo *r)
{
	return uow_end(r, 0);
}

/* ---- the repository itself ----------------------------------------------- */

void nitro__sql_repo_free(nitro_repo *r)
{
	struct sqlrepo *sr = (struct sqlrepo *)r;

	/* Threads must be done with r; close every connection it opened. */
	while (sr->conns != NULL) {
		struct sqlconn *c = sr->conns;

		sr->conns = c->next;
		conn_close(c);
	}
	pthread_key_delete(sr->key);
	for (size_t i = 0; i < sr->nstores; i++) {
		for (int k = 0; k < SQ_NSTMT; k++)
			free(sr->stores[i]->sql[k]);
		free(sr->stores[i]->cols);
		for (int k = 0; k < sr->stores[i]->nderive; k++)
			free(sr->stores[i]->derive[k].topic);
		free(sr->stores[i]);
	}
	free(sr->stores);
	pthread_mutex_destroy(&sr->mu);
	free(sr->path);
	free(sr);
}
