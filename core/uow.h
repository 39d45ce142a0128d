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

#endif
