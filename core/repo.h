/*
 * Internal: the repository interface and schema internals shared by the
 * entity layer (core/entity.c) and every backend (core/memrepo.c,
 * sql/...).  A backend fills a nitro_repo_ops table; the entity layer does
 * validation, hooks and events, then calls it.
 */
#ifndef NITRO_CORE_REPO_H
#define NITRO_CORE_REPO_H

#include <regex.h>

#include "nitro/core.h"

/* struct nitro_repo_ops is public (<nitro/core.h>): users write backends. */

struct nitro_repo {
	const struct nitro_repo_ops *ops;
	void *udata;		/* a backend's own (nitro_repo_new) */
	int boxed;		/* made by nitro_repo_new: freed by nitro_repo_free */
};

enum { NITRO__OP_GET, NITRO__OP_SAVE, NITRO__OP_DELETE, NITRO__OP_QUERY,
	NITRO__OP_COUNT, NITRO__OPS };

/* The id member of the entity struct obj, found by the schema's id field
 * idf (an lvalue: backends read and assign ids through these). */
#define NITRO__ID_INT(idf, obj) (*(int64_t *)(void *)((char *)(obj) + (idf)->offset))
#define NITRO__ID_TEXT(idf, obj) (*(char **)(void *)((char *)(obj) + (idf)->offset))

/* Made once per schema, on first use. */
struct nitro__schema_rt {
	const nitro_field *f;
	size_t n;
	int id;			/* index of the id field */
	regex_t *re;		/* compiled patterns, per field (or unused) */
	unsigned char *has_re;
	nitro_repo *repo;
	void *store;
	nitro_bus *bus;
	struct nitro_hooks hooks;
	nitro_counter *opc[NITRO__OPS][2];	/* [op][failed] */
	char ev_saving[80], ev_saved[80], ev_deleting[80], ev_deleted[80];
};

/* The schema's internals, made on first call; NULL with nitro_errmsg. */
struct nitro__schema_rt *nitro__schema(const nitro_schema *s);
int nitro__field_index(const nitro_schema *s, const char *name);
int nitro__is_null(const struct nitro__schema_rt *rt, const void *obj, int i);
/* Check a query against the schema: fields exist, values fit types. */
int nitro__query_check(const nitro_schema *s, const nitro_query *q);
/* SQL semantics, shared so that every backend agrees with the memory one. */
int nitro__cond_eval(const struct nitro__schema_rt *rt, const void *obj,
    int field, const nitro_cond *c);
int nitro__compare(const struct nitro__schema_rt *rt, const void *a,
    const void *b, int field);
/* The text form of a scalar field's value (defaults, filters). */
int nitro__value_parse(const nitro_field *f, const char *text, nitro_value *v);
/* Add f's message for check to e (its NITRO_F_MSG, else the default
 * made from fmt); nothing when e is full.  Returns 1. */
int nitro__verr_add(nitro_verrors *e, const nitro_field *f, enum nitro_vcheck check,
    const char *fmt, ...) NITRO_PRINTF(4, 5);
/* Is name in the NULL-terminated list (NULL: an empty list)? */
int nitro__name_listed(const char *const *list, const char *name);
/* Base64 (RFC 4648, padded) for BLOBs in JSON. */
int nitro__b64_encode(const unsigned char *p, size_t n, nitro_buf *out);
int nitro__b64_decode(const char *s, size_t n, nitro_blob *out);
/* ASCII case-insensitive substring test (SQL LIKE '%needle%'). */
int nitro__contains_ci(const char *hay, const char *needle);

#endif
