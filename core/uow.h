/* Internal: units of work hold back "after" events until they commit
 * (uow.c).  Per thread. */
#ifndef NITRO_CORE_UOW_H
#define NITRO_CORE_UOW_H

#include "nitro/core.h"

/* A unit of work of repo opened on this thread (begin or savepoint). */
int nitro__uow_enter(const nitro_repo *repo);
/* The innermost one closed: committed emits what it held (unless an outer
 * unit of the same repository is still open), else drops it. */
void nitro__uow_leave(const nitro_repo *repo, int committed);
/* Inside a unit of work of repo: keep a copy of obj and emit name on the
 * commit; 1 when held, 0 when the caller should emit now, or negative. */
int nitro__uow_defer(const nitro_repo *repo, nitro_bus *bus, const char *name,
    const nitro_schema *s, const void *obj);

/*
 * The statements of nested units of work on one connection of a SQL
 * store: BEGIN for the outermost, savepoints inside it.  What differs
 * between stores is this table; the connection's nesting depth is theirs.
 */
#define NITRO__UOW_NEST_MAX 32
struct nitro__uow_sql {
	const char *begin;			/* the store's BEGIN */
	int (*exec)(void *conn, const char *sql);	/* 0 or NITRO_E* with a message */
	/* After a failed COMMIT or ROLLBACK: end what is still open, quietly. */
	void (*abandon)(void *conn);
};
/* Open a unit of work of repo on conn, at *depth (which it counts up). */
int nitro__uow_begin(const nitro_repo *repo, const struct nitro__uow_sql *u, void *conn,
    int *depth);
/* Commit or roll back the innermost one (*depth counts down); its held
 * events go out when it commits. */
int nitro__uow_end(const nitro_repo *repo, const struct nitro__uow_sql *u, void *conn,
    int *depth, int commit);

#endif
