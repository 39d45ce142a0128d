/*
 * Units of work and the events they hold back.
 *
 * "<entity>.saved" and "<entity>.deleted" tell handlers that a change
 * happened.  Inside a unit of work (nitro_sql_begin) the change is not
 * done until the commit, and a rollback undoes it, so on the thread that
 * opened the unit these events wait: the commit of the outermost unit of
 * the entity's repository emits them in order, a rollback drops the ones
 * made since its begin.  A repository opens and closes the levels
 * (nitro__uow_enter/leave); the entity layer asks nitro__uow_defer.
 *
 * Everything here is per thread, as the units of work are.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/repo.h"
#include "core/uow.h"

#define LEVELS_MAX 64

struct held {
	nitro_bus *bus;
	const nitro_schema *schema;
	void *obj;			/* a copy, owned here */
	char name[80];
};

static _Thread_local struct {
	struct {
		const nitro_repo *repo;
		size_t mark;		/* held events before this level */
	} level[LEVELS_MAX];
	size_t depth;
	struct held *held;
	size_t n, cap;
} uow;

static void held_free(struct held *h)
{
	nitro_entity_clear(h->schema, h->obj);
	free(h->obj);
}

int nitro__uow_enter(const nitro_repo *repo)
{
	if (uow.depth == LEVELS_MAX)
		return nitro_error(NITRO_ELIMIT, "units of work nest at most %d deep", LEVELS_MAX);
	uow.level[uow.depth].repo = repo;
	uow.level[uow.depth].mark = uow.n;
	uow.depth++;
	return 0;
}

static int open_for(const nitro_repo *repo)
{
	for (size_t i = 0; i < uow.depth; i++)
		if (uow.level[i].repo == repo)
			return 1;
	return 0;
}

void nitro__uow_leave(const nitro_repo *repo, int committed)
{
	size_t mark, i;

	/* Levels close in the order they opened; a stray leave is ignored. */
	if (uow.depth == 0 || uow.level[uow.depth - 1].repo != repo)
		return;
	mark = uow.level[--uow.depth].mark;
	if (committed && open_for(repo))
		return;		/* an outer unit of the same repository decides */
	for (i = mark; i < uow.n; i++) {
		struct held *h = &uow.held[i];

		if (committed)
			(void)nitro_bus_emit_entity(h->bus, h->name, h->schema, h->schema,
			    h->obj);
		held_free(h);
	}
	uow.n = mark;
	if (uow.n == 0 && uow.depth == 0) {
		free(uow.held);
		uow.held = NULL;
		uow.cap = 0;
	}
}

int nitro__uow_defer(const nitro_repo *repo, nitro_bus *bus, const char *name,
    const nitro_schema *s, const void *obj)
{
	struct held *h;
	int rc;

	if (bus == NULL || !open_for(repo))
		return 0;
	if (uow.n == uow.cap) {
		size_t cap = uow.cap ? uow.cap * 2 : 16;
		struct held *p;

		if (cap > SIZE_MAX / sizeof *p ||
		    (p = realloc(uow.held, cap * sizeof *p)) == NULL)
			return nitro__oom(NULL);
		uow.held = p;
		uow.cap = cap;
	}
	h = &uow.held[uow.n];
	memset(h, 0, sizeof *h);
	if ((h->obj = calloc(1, s->size)) == NULL)
		return nitro__oom(NULL);
	if ((rc = nitro_entity_copy(s, h->obj, obj)) < 0) {
		free(h->obj);
		return rc;
	}
	h->bus = bus;
	h->schema = s;
	snprintf(h->name, sizeof h->name, "%s", name);
	uow.n++;
	return 1;
}

/* ---- nesting on a SQL store's connection --------------------------------- */

int nitro__uow_begin(const nitro_repo *repo, const struct nitro__uow_sql *u, void *conn,
    int *depth)
{
	char sp[40];
	int rc;

	if (*depth >= NITRO__UOW_NEST_MAX)
		return nitro_error(NITRO_ELIMIT, "transactions nest at most %d deep",
		    NITRO__UOW_NEST_MAX);
	if (*depth == 0) {
		rc = u->exec(conn, u->begin);
	} else {
		snprintf(sp, sizeof sp, "SAVEPOINT nitro_uow%d", *depth);
		rc = u->exec(conn, sp);
	}
	if (rc == 0) {
		(*depth)++;
		(void)nitro__uow_enter(repo);	/* NITRO__UOW_NEST_MAX here, LEVELS_MAX there */
	}
	return rc;
}

int nitro__uow_end(const nitro_repo *repo, const struct nitro__uow_sql *u, void *conn,
    int *depth, int commit)
{
	char sp[80];
	int rc;

	if (*depth == 0)
		return nitro_error(NITRO_EINVAL, "no transaction is open on this thread");
	(*depth)--;
	if (*depth == 0) {
		if ((rc = u->exec(conn, commit ? "COMMIT" : "ROLLBACK")) < 0)
			u->abandon(conn);
	} else {
		if (commit)
			snprintf(sp, sizeof sp, "RELEASE nitro_uow%d", *depth);
		else
			snprintf(sp, sizeof sp, "ROLLBACK TO nitro_uow%d; RELEASE nitro_uow%d",
			    *depth, *depth);
		rc = u->exec(conn, sp);
	}
	/* The events its changes made go out now, or never. */
	nitro__uow_leave(repo, commit && rc == 0);
	return rc;
}
