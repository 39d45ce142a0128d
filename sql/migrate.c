/*
 * Versioned migrations: files NNNN_name.sql in a directory, applied in
 * version order, each in its own transaction together with its row in
 * nitro_migrations, so that a migration is applied exactly when it is
 * recorded.  A database whose newest migration is newer than every file
 * belongs to a newer program and is refused.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sql/internal.h"
#include "sql/migfiles.h"

#define NAME_MAX_LEN NITRO__MIG_NAME_MAX
#define FILES_MAX 10000
#define FILE_MAX (16 << 20)

int nitro__sql_migration_name(const char *file, int64_t *version, char *name, size_t cap)
{
	const char *p = file, *start;
	int64_t v = 0;
	size_t digits = 0, n;

	for (; *p >= '0' && *p <= '9'; p++, digits++) {
		if (digits == 18)
			return NITRO_EPARSE;	/* fits in int64 with room */
		v = v * 10 + (*p - '0');
	}
	if (digits == 0 || v == 0 || *p++ != '_')
		return NITRO_EPARSE;
	start = p;
	for (; (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-';
	    p++)
		;
	n = (size_t)(p - start);
	if (n == 0 || n > NAME_MAX_LEN || n >= cap || strcmp(p, ".sql") != 0)
		return NITRO_EPARSE;
	memcpy(name, start, n);
	name[n] = '\0';
	*version = v;
	return 0;
}

static int cmp_mig(const void *a, const void *b)
{
	const struct nitro__mig *x = a, *y = b;

	return (x->version > y->version) - (x->version < y->version);
}

/* The migration files of dir, sorted; other files are ignored. */
int nitro__mig_list(const char *dir, struct nitro__mig **out, size_t *n)
{
	DIR *d;
	struct dirent *e;
	struct nitro__mig *v = NULL;
	size_t k = 0, cap = 0;
	int rc = 0;

	*out = NULL;
	*n = 0;
	if (dir == NULL)
		return nitro_error(NITRO_EINVAL, "migrations: no directory");
	if ((d = opendir(dir)) == NULL)
		return nitro_error(errno == ENOENT ? NITRO_ENOTFOUND : NITRO_EIO,
		    "migrations: cannot open %s: %s", dir, strerror(errno));
	while ((e = readdir(d)) != NULL) {
		struct nitro__mig m;

		if (nitro__sql_migration_name(e->d_name, &m.version, m.name, sizeof m.name) < 0)
			continue;
		/* A valid name is short: it fits m.file. */
		memcpy(m.file, e->d_name, strlen(e->d_name) + 1);
		if (k == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			struct nitro__mig *grown;

			if (ncap > FILES_MAX || (grown = realloc(v, ncap * sizeof *v)) == NULL) {
				rc = ncap > FILES_MAX ? nitro_error(NITRO_ELIMIT,
				    "migrations: more than %d files", FILES_MAX) :
				    nitro__oom("migrations");
				goto out;
			}
			v = grown;
			cap = ncap;
		}
		v[k++] = m;
	}
	if (k)
		qsort(v, k, sizeof *v, cmp_mig);
	for (size_t i = 1; i < k; i++)
		if (v[i].version == v[i - 1].version) {
			rc = nitro_error(NITRO_EINVAL, "migrations: %s and %s have one version",
			    v[i - 1].file, v[i].file);
			goto out;
		}
out:
	closedir(d);
	if (rc < 0) {
		free(v);
		return rc;
	}
	*out = v;
	*n = k;
	return 0;
}

int nitro_sql_migrate_status(nitro_repo *r, const char *dir, struct nitro_sql_status *st)
{
	struct sqlconn *c = NULL;
	struct nitro__mig *v;
	size_t n;
	int rc;

	/* No repository: a database that does not exist yet, version 0. */
	if (r != NULL && (c = nitro__sql_repo_conn(r)) == NULL)
		return nitro__errcode();
	if (st == NULL)
		return nitro_error(NITRO_EINVAL, "status: nowhere to put it");
	memset(st, 0, sizeof *st);
	if (c != NULL && (rc = nitro__sql_db_version(c, &st->db_version)) < 0)
		return rc;
	/* A directory not made yet holds no migrations. */
	if ((rc = nitro__mig_list(dir, &v, &n)) == NITRO_ENOTFOUND)
		return 0;
	if (rc < 0)
		return rc;
	st->latest = n ? v[n - 1].version : 0;
	for (size_t i = 0; i < n; i++)
		st->pending += v[i].version > st->db_version;
	free(v);
	return 0;
}

int nitro__mig_newer(int64_t have, const char *dir, const struct nitro__mig *v, size_t n)
{
	int64_t newest = n ? v[n - 1].version : 0;

	if (have <= newest)
		return 0;
	return nitro_error(NITRO_EUNSUPPORTED, "the database is at migration %" PRId64
	    ", newer than the newest in %s (%" PRId64 "); run a newer program",
	    have, dir, newest);
}

int nitro__mig_read(const char *dir, const char *file, char **out)
{
	char path[4200];
	struct stat sb;
	char *buf;
	int fd;
	ssize_t got;
	size_t have = 0;

	snprintf(path, sizeof path, "%s/%s", dir, file);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return nitro_error(NITRO_EIO, "%s: %s", path, strerror(errno));
	if (fstat(fd, &sb) < 0 || sb.st_size > FILE_MAX) {
		close(fd);
		return nitro_error(NITRO_ELIMIT, "%s: larger than %d bytes", path, FILE_MAX);
	}
	if ((buf = malloc((size_t)sb.st_size + 1)) == NULL) {
		close(fd);
		return nitro__oom(NULL);
	}
	while (have < (size_t)sb.st_size &&
	    (got = read(fd, buf + have, (size_t)sb.st_size - have)) > 0)
		have += (size_t)got;
	close(fd);
	buf[have] = '\0';
	if (strlen(buf) != have) {
		free(buf);
		return nitro_error(NITRO_EPARSE, "%s: a NUL byte in SQL", path);
	}
	*out = buf;
	return 0;
}

/* Run every statement of sql; a failure names the line it starts on. */
static int run_script(struct sqlconn *c, const char *file, const char *sql)
{
	const char *p = sql, *tail;
	sqlite3_stmt *st;
	int rc;

	while (*p) {
		rc = sqlite3_prepare_v2(c->db, p, -1, &st, &tail);
		if (rc == SQLITE_OK && st != NULL) {
			while ((rc = sqlite3_step(st)) == SQLITE_ROW)
				;
			sqlite3_finalize(st);
			if (rc == SQLITE_DONE)
				rc = SQLITE_OK;
		}
		if (rc != SQLITE_OK) {
			int line = 1;

			for (const char *q = sql; q < p; q++)
				line += *q == '\n';
			for (; *p == ' ' || *p == '\n' || *p == '\t' || *p == '\r'; p++)
				line += *p == '\n';
			return nitro_error(NITRO_EINVAL, "%s:%d: %s", file, line,
			    sqlite3_errmsg(c->db));
		}
		/* A migration cannot end its own transaction. */
		if (sqlite3_get_autocommit(c->db))
			return nitro_error(NITRO_EINVAL, "%s: a migration must not COMMIT or "
			    "ROLLBACK; each one already runs in its own transaction", file);
		if (tail == p)
			break;
		p = tail;
	}
	return 0;
}

int nitro_sql_migrate(nitro_repo *r, const char *dir, size_t *applied)
{
	static const char rec[] =
		"INSERT INTO nitro_migrations(version, name, applied_at) VALUES(?,?,?)";
	struct sqlconn *c = nitro__sql_repo_conn(r);
	struct nitro__mig *v;
	size_t n, done = 0;
	int64_t have;
	int rc;

	if (applied)
		*applied = 0;
	if (c == NULL)
		return nitro__errcode();
	if (c->depth)
		return nitro_error(NITRO_EINVAL, "migrate: a transaction is open on this thread");
	if ((rc = nitro__sql_db_version(c, &have)) < 0 || (rc = nitro__mig_list(dir, &v, &n)) < 0)
		return rc;
	if ((rc = nitro__mig_newer(have, dir, v, n)) < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		char *sql = NULL;
		sqlite3_stmt *st;

		if (v[i].version <= have)
			continue;
		if ((rc = nitro__mig_read(dir, v[i].file, &sql)) < 0)
			goto out;
		if ((rc = nitro__sql_exec(c, "BEGIN IMMEDIATE")) < 0) {
			free(sql);
			goto out;
		}
		/* Another process may have migrated while we waited. */
		if ((rc = nitro__sql_db_version(c, &have)) == 0 && v[i].version > have &&
		    (rc = run_script(c, v[i].file, sql)) == 0) {
			if ((st = nitro__sql_prepare(c, rec, sizeof rec - 1)) == NULL) {
				rc = nitro__errcode();
			} else {
				sqlite3_bind_int64(st, 1, v[i].version);
				sqlite3_bind_text(st, 2, v[i].name, -1, SQLITE_STATIC);
				sqlite3_bind_int64(st, 3, nitro_time_now());
				rc = sqlite3_step(st);
				rc = rc == SQLITE_DONE ? 0 : nitro__sql_error(c->db, rc, v[i].file);
				sqlite3_reset(st);
			}
			done += rc == 0;
		}
		free(sql);
		if ((rc = nitro__sql_tx_end(c, 0, rc)) < 0)
			goto out;
	}
out:
	free(v);
	if (applied)
		*applied = done;
	return rc;
}

int nitro_sql_migration_new(const char *dir, const char *name, char *path, size_t cap)
{
	struct nitro__mig *v, m;
	size_t n;
	int64_t next;
	char file[NAME_MAX_LEN + 40], full[4200];
	int rc, fd;

	if (name == NULL || path == NULL || cap == 0)
		return nitro_error(NITRO_EINVAL, "migration: a name and a path buffer are needed");
	if ((rc = nitro__mig_list(dir, &v, &n)) < 0)
		return rc;
	next = n ? v[n - 1].version + 1 : 1;
	free(v);
	snprintf(file, sizeof file, "%04" PRId64 "_%s.sql", next, name);
	if (strlen(name) > NAME_MAX_LEN ||
	    nitro__sql_migration_name(file, &m.version, m.name, sizeof m.name) < 0)
		return nitro_error(NITRO_EINVAL, "migration: a name is 1 to %d of a-z 0-9 _ -",
		    NAME_MAX_LEN);
	if ((size_t)snprintf(full, sizeof full, "%s/%s", dir, file) >= cap ||
	    strlen(full) >= sizeof full - 1)
		return nitro_error(NITRO_ELIMIT, "migration: the path is too long");
	if ((fd = open(full, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644)) < 0)
		return nitro_error(NITRO_EIO, "%s: %s", full, strerror(errno));
	{
		char head[300];
		int len = snprintf(head, sizeof head, "-- Migration %" PRId64 ": %s\n"
		    "-- Runs in one transaction with its record in nitro_migrations;\n"
		    "-- do not write BEGIN or COMMIT here.\n\n", next, name);

		if (write(fd, head, (size_t)len) != len) {
			close(fd);
			unlink(full);
			return nitro_error(NITRO_EIO, "%s: cannot write", full);
		}
	}
	close(fd);
	snprintf(path, cap, "%s", full);
	return 0;
}
