/*
 * Internal: migration files (NNNN_name.sql in a directory), listed and
 * read the same way for every store: SQLite (sql/migrate.c) and
 * PostgreSQL (pg/migrate.c).  No SQLite in here.
 */
#ifndef NITRO_SQL_MIGFILES_H
#define NITRO_SQL_MIGFILES_H

#include <stddef.h>
#include <stdint.h>

#define NITRO__MIG_NAME_MAX 100

struct nitro__mig {
	int64_t version;
	char name[NITRO__MIG_NAME_MAX + 1];
	char file[NITRO__MIG_NAME_MAX + 32];	/* 18 digits, '_', name, ".sql" */
};

/* The migration files of dir, sorted by version (*out freed by the
 * caller); NITRO_ENOTFOUND when dir does not exist, NITRO_EINVAL when two
 * files have one version. */
int nitro__mig_list(const char *dir, struct nitro__mig **out, size_t *n);
/* The text of dir/file (at most 16 MiB, no NUL byte), freed by the caller. */
int nitro__mig_read(const char *dir, const char *file, char **out);
/* 0, or NITRO_EUNSUPPORTED when the database is at migration have,
 * newer than the newest of the n files v of dir (a newer program made it). */
int nitro__mig_newer(int64_t have, const char *dir, const struct nitro__mig *v, size_t n);

#endif
