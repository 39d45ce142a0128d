/*
 * The repository conformance suite (see repo_conformance.h).  Each group
 * starts from a new repository, so the groups are independent.  The
 * expected answers are SQLite's: NULL never compares equal or unequal,
 * NULLs sort first ascending and last descending, ties go by id in the
 * direction of the last order key.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "nitro/core.h"
#include "repo_conformance.h"	/* next to this file, in the tree and installed */

/* Every field type, and every constraint a repository enforces. */
#define CF_ITEM(X) \
	X(id,      INT,  NITRO_F_ID) \
	X(name,    TEXT, NITRO_F_REQUIRED, NITRO_F_UNIQUE, NITRO_F_MAXLEN(40)) \
	X(qty,     INT) \
	X(price,   REAL) \
	X(active,  BOOL, NITRO_F_DEFAULT("true")) \
	X(created, TIME) \
	X(note,    TEXT) \
	X(tags,    JSON) \
	X(data,    BLOB) \
	X(token,   TEXT, NITRO_F_SECRET)
NITRO_ENTITY(cf_item, CF_ITEM)
NITRO_ENTITY_DEFINE(cf_item, CF_ITEM);

#define CF_TOK(X) \
	X(id,    TEXT, NITRO_F_UUID) \
	X(label, TEXT)
NITRO_ENTITY(cf_tok, CF_TOK)
NITRO_ENTITY_DEFINE(cf_tok, CF_TOK);

static const struct repo_conformance *cur;
static int failed;
static char namebuf[200];

static const char *nm(const char *what)
{
	snprintf(namebuf, sizeof namebuf, "%s: %s", cur->name, what);
	return namebuf;
}

#define C_OK(c, what) do { \
	if (!cur->check(!!(c), nm(what), __FILE__, __LINE__)) failed++; \
} while (0)
#define C_EQ_INT(got, want, what) do { \
	long long g_ = (long long)(got), w_ = (long long)(want); \
	if (!cur->check(g_ == w_, nm(what), __FILE__, __LINE__)) { \
		failed++; \
		printf("#   got %lld, want %lld (%s)\n", g_, w_, nitro_errmsg()); \
	} \
} while (0)
#define C_EQ_STR(got, want, what) do { \
	const char *g_ = (got), *w_ = (want); \
	int ok_ = (!g_ && !w_) || (g_ && w_ && strcmp(g_, w_) == 0); \
	if (!cur->check(ok_, nm(what), __FILE__, __LINE__)) { \
		failed++; \
		printf("#   got \"%s\", want \"%s\"\n", g_ ? g_ : "(null)", w_ ? w_ : "(null)"); \
	} \
} while (0)

static nitro_repo *fresh(void)
{
	nitro_repo *r = cur->make(cur->arg);

	if (r == NULL || nitro_entity_bind(&cf_item_schema, r, NULL) < 0 ||
	    nitro_entity_bind(&cf_tok_schema, r, NULL) < 0) {
		printf("# cannot make a repository: %s\n", nitro_errmsg());
		exit(1);
	}
	return r;
}

/* A saved item with name and qty (qty < 0: NULL). */
static int64_t add(const char *name, int qty)
{
	struct cf_item it;

	cf_item_init(&it);
	it.name = strdup(name);
	it.qty = qty;
	if (qty < 0)
		nitro_entity_set_null(&cf_item_schema, &it, "qty", 1);
	if (cf_item_save(&it) < 0)
		printf("# add %s: %s\n", name, nitro_errmsg());
	{
		int64_t id = it.id;

		cf_item_clear(&it);
		return id;
	}
}

/* The names of rows, joined by spaces. */
static const char *names(nitro_rows *r)
{
	static char out[512];
	struct cf_item *v = r->items;

	out[0] = '\0';
	for (size_t i = 0; i < r->n; i++) {
		if (i)
			strcat(out, " ");
		strncat(out, v[i].name, 40);
	}
	return out;
}

static void t_roundtrip(void)
{
	nitro_repo *r = fresh();
	struct cf_item a, b;
	int64_t id;

	cf_item_init(&a);
	a.name = strdup("apple");
	a.qty = 7;
	a.price = 2.5;
	a.active = 0;
	a.created = 1763700000123LL;
	a.note = strdup("crisp, red");
	a.tags = json_tokener_parse("[\"fruit\",1]");
	a.data.data = malloc(3);
	memcpy(a.data.data, "\0\1\2", 3);
	a.data.len = 3;
	a.token = strdup("s3cret");
	C_EQ_INT(cf_item_save(&a), 0, "save a new record");
	C_EQ_INT(a.id, 1, "first integer id is 1");
	id = a.id;

	/* The store holds a copy: changing ours changes nothing there. */
	a.qty = 99;
	a.name[0] = 'X';
	memset(&b, 0, sizeof b);
	C_EQ_INT(cf_item_get(nitro_id_int(id), &b), 0, "get by id");
	C_EQ_STR(b.name, "apple", "text round-trips and was copied in");
	C_EQ_INT(b.qty, 7, "integer round-trips");
	C_OK(b.price == 2.5, "real round-trips");
	C_EQ_INT(b.active, 0, "boolean round-trips");
	C_EQ_INT(b.created, 1763700000123LL, "time round-trips to the millisecond");
	C_EQ_STR(b.note, "crisp, red", "second text");
	C_EQ_STR(b.tags ? json_object_to_json_string_ext(b.tags, JSON_C_TO_STRING_PLAIN) : NULL,
	    "[\"fruit\",1]", "JSON round-trips");
	C_OK(b.data.len == 3 && memcmp(b.data.data, "\0\1\2", 3) == 0,
	    "blob round-trips with NUL bytes");
	C_EQ_STR(b.token, "s3cret", "a secret field is stored");
	C_EQ_INT(nitro_entity_is_null(&cf_item_schema, &b, "qty"), 0, "qty not NULL");

	/* And a copy goes out: changing what we got changes nothing there. */
	b.name[0] = 'Y';
	cf_item_clear(&b);
	C_EQ_INT(cf_item_get(nitro_id_int(id), &b), 0, "get again");
	C_EQ_STR(b.name, "apple", "a copy came out");
	cf_item_clear(&b);
	cf_item_clear(&a);

	/* NULLs round-trip. */
	cf_item_init(&a);
	a.name = strdup("nulls");
	nitro_entity_set_null(&cf_item_schema, &a, "qty", 1);
	nitro_entity_set_null(&cf_item_schema, &a, "price", 1);
	C_EQ_INT(cf_item_save(&a), 0, "save with NULLs");
	C_EQ_INT(a.id, 2, "second id is 2");
	C_EQ_INT(cf_item_get(nitro_id_int(2), &b), 0, "get the NULL record");
	C_EQ_INT(nitro_entity_is_null(&cf_item_schema, &b, "qty"), 1, "NULL integer");
	C_EQ_INT(nitro_entity_is_null(&cf_item_schema, &b, "price"), 1, "NULL real");
	C_OK(b.note == NULL && b.tags == NULL && b.data.data == NULL, "NULL text, JSON, blob");
	C_EQ_INT(b.active, 1, "default applied");
	cf_item_clear(&a);
	cf_item_clear(&b);
	nitro_repo_free(r);
}

static void t_update_delete(void)
{
	nitro_repo *r = fresh();
	struct cf_item a;
	size_t n;

	add("one", 1);
	add("two", 2);
	C_EQ_INT(cf_item_get(nitro_id_int(2), &a), 0, "get two");
	free(a.name);
	a.name = strdup("deux");
	C_EQ_INT(cf_item_save(&a), 0, "update");
	C_EQ_INT(a.id, 2, "update keeps the id");
	cf_item_clear(&a);
	C_EQ_INT(cf_item_count(NULL, &n), 0, "count");
	C_EQ_INT(n, 2, "update did not insert");
	C_EQ_INT(cf_item_get(nitro_id_int(2), &a), 0, "get updated");
	C_EQ_STR(a.name, "deux", "updated value stored");
	cf_item_clear(&a);

	cf_item_init(&a);
	a.id = 10;
	a.name = strdup("ten");
	C_EQ_INT(cf_item_save(&a), 0, "save with a new explicit id");
	cf_item_clear(&a);
	C_EQ_INT(cf_item_exists(nitro_id_int(10)), 1, "explicit id exists");
	C_EQ_INT(add("eleven", 11), 11, "the next id follows the largest");

	C_EQ_INT(cf_item_delete(nitro_id_int(1)), 0, "delete");
	C_EQ_INT(cf_item_get(nitro_id_int(1), &a), NITRO_ENOTFOUND, "deleted is gone");
	C_EQ_INT(cf_item_delete(nitro_id_int(1)), NITRO_ENOTFOUND, "delete twice");
	C_EQ_INT(cf_item_exists(nitro_id_int(1)), 0, "exists is 0 after delete");
	C_EQ_INT(cf_item_get(nitro_id_int(12345), &a), NITRO_ENOTFOUND, "unknown id");
	C_EQ_INT(add("twelve", 12), 12, "ids are not reused after a delete");
	nitro_repo_free(r);
}

static void t_constraints(void)
{
	nitro_repo *r = fresh();
	struct cf_item a;
	size_t n;

	add("taken", 1);
	cf_item_init(&a);
	a.name = strdup("taken");
	C_EQ_INT(cf_item_save(&a), NITRO_EEXIST, "unique violation");
	C_OK(strstr(nitro_errmsg(), "name") != NULL, "message names the field");
	C_EQ_INT(a.id, 0, "a refused insert gets no id");
	free(a.name);
	a.name = NULL;
	C_EQ_INT(cf_item_save(&a), NITRO_EVALIDATE, "required field missing");
	a.name = strdup("this name is far too long for the forty character limit");
	C_EQ_INT(cf_item_save(&a), NITRO_EVALIDATE, "max length");
	cf_item_clear(&a);
	C_EQ_INT(cf_item_count(NULL, &n), 0, "count");
	C_EQ_INT(n, 1, "refused saves stored nothing");

	C_EQ_INT(cf_item_get(nitro_id_int(1), &a), 0, "get");
	a.qty = 5;
	C_EQ_INT(cf_item_save(&a), 0, "a record may keep its own unique value");
	free(a.name);
	a.name = strdup("renamed");
	C_EQ_INT(cf_item_save(&a), 0, "change a unique value");
	cf_item_clear(&a);
	C_OK(add("taken", 2) > 0, "the old value is free again");
	C_EQ_INT(add("renamed", 3), 0, "the new value is taken");
	C_EQ_INT(cf_item_delete(nitro_id_int(1)), 0, "delete the renamed record");
	C_OK(add("renamed", 4) > 0, "a deleted record's value is free");
	nitro_repo_free(r);
}

static void t_query(void)
{
	nitro_repo *r = fresh();
	nitro_rows rows;
	size_t n;

	add("d", 3);
	add("b", -1);	/* NULL qty */
	add("a", 1);
	add("e", 3);
	add("c", -1);
	add("f", 2);

	{
		nitro_cond c[] = {{"qty", NITRO_OP_EQ, nitro_v_int(3)}};
		nitro_query q = {.all = c, .nall = 1};

		C_EQ_INT(cf_item_query(&q, &rows), 0, "query eq");
		C_EQ_STR(names(&rows), "d e", "eq, in id order");
		nitro_rows_free(&rows);
	}
	{
		nitro_cond c[] = {{"qty", NITRO_OP_NE, nitro_v_int(3)}};
		nitro_query q = {.all = c, .nall = 1};

		cf_item_query(&q, &rows);
		C_EQ_STR(names(&rows), "a f", "ne never matches NULL");
		nitro_rows_free(&rows);
	}
	{
		nitro_cond c[] = {{"qty", NITRO_OP_GE, nitro_v_int(2)},
		    {"qty", NITRO_OP_LT, nitro_v_real(3.5)}};
		nitro_query q = {.all = c, .nall = 2};

		cf_item_query(&q, &rows);
		C_EQ_STR(names(&rows), "d e f", "range, integer against real");
		nitro_rows_free(&rows);
	}
	{
		nitro_cond c[] = {{"qty", NITRO_OP_IS_NULL, nitro_v_null()}};
		nitro_query q = {.all = c, .nall = 1};

		cf_item_query(&q, &rows);
		C_EQ_STR(names(&rows), "b c", "is null");
		nitro_rows_free(&rows);
		c[0].op = NITRO_OP_NOT_NULL;
		cf_item_query(&q, &rows);
		C_EQ_STR(names(&rows), "d a e f", "not null");
		nitro_rows_free(&rows);
		c[0].op = NITRO_OP_EQ;
		cf_item_query(&q, &rows);
		C_EQ_INT(rows.n, 0, "= NULL matches nothing");
		nitro_rows_free(&rows);
	}
	{
		nitro_cond any[] = {{"name", NITRO_OP_EQ, nitro_v_text("a")},
		    {"qty", NITRO_OP_EQ, nitro_v_int(2)}};
		nitro_cond all[] = {{"qty", NITRO_OP_NOT_NULL, nitro_v_null()}};
		nitro_query q = {.all = all, .nall = 1, .any = any, .nany = 2};

		cf_item_query(&q, &rows);
		C_EQ_STR(names(&rows), "a f", "any group ORs, all group ANDs");
		nitro_rows_free(&rows);
	}
	{
		nitro_order o[] = {{"qty", 0}};
		nitro_query q = {.order = o, .norder = 1};

		cf_item_query(&q, &rows);
		C_EQ_STR(names(&rows), "b c a f d e", "ascending: NULLs first, ties by id");
		nitro_rows_free(&rows);
		o[0].desc = 1;
		cf_item_query(&q, &rows);
		/* "Newest first" needs no second key: ties go the same way. */
		C_EQ_STR(names(&rows), "e d f a c b",
		    "descending: NULLs last, ties by id in the last key's direction");
		nitro_rows_free(&rows);
	}
	{
		nitro_order o[] = {{"qty", 1}, {"name", 1}};
		nitro_query q = {.order = o, .norder = 2, .limit = 3, .offset = 1};

		cf_item_query(&q, &rows);
		C_EQ_STR(names(&rows), "d f a", "two keys, limit and offset");
		nitro_rows_free(&rows);
		q.offset = 6;
		cf_item_query(&q, &rows);
		C_EQ_INT(rows.n, 0, "offset past the end");
		nitro_rows_free(&rows);
		q.offset = 4;
		q.limit = 0;
		cf_item_query(&q, &rows);
		C_EQ_STR(names(&rows), "c b", "offset without limit");
		nitro_rows_free(&rows);
	}
	{
		nitro_cond c[] = {{"qty", NITRO_OP_EQ, nitro_v_int(3)}};
		nitro_query q = {.all = c, .nall = 1, .limit = 1};

		C_EQ_INT(cf_item_count(&q, &n), 0, "count with a condition");
		C_EQ_INT(n, 2, "count ignores limit");
	}
	{
		/* The limits: as many as allowed work, one more is refused. */
		nitro_cond c[NITRO_QUERY_MAX_CONDS + 1];
		nitro_order o[NITRO_QUERY_MAX_ORDER + 1];
		nitro_query q = {.all = c, .nall = NITRO_QUERY_MAX_CONDS,
		    .any = c, .nany = NITRO_QUERY_MAX_CONDS,
		    .order = o, .norder = NITRO_QUERY_MAX_ORDER};

		for (size_t i = 0; i <= NITRO_QUERY_MAX_CONDS; i++)
			c[i] = (nitro_cond){"qty", NITRO_OP_EQ, nitro_v_int(3)};
		for (size_t i = 0; i <= NITRO_QUERY_MAX_ORDER; i++)
			o[i] = (nitro_order){"name", 0};
		C_EQ_INT(cf_item_count(&q, &n), 0, "the most conditions and orderings");
		C_EQ_INT(n, 2, "count at the limits");
		q.nall++;
		C_EQ_INT(cf_item_count(&q, &n), NITRO_ELIMIT, "one condition too many");
		q.nall--;
		q.nany++;
		C_EQ_INT(cf_item_count(&q, &n), NITRO_ELIMIT, "one alternative too many");
		q.nany--;
		q.norder++;
		C_EQ_INT(cf_item_query(&q, &rows), NITRO_ELIMIT, "one ordering too many");
	}
	{
		nitro_cond bad1[] = {{"nope", NITRO_OP_EQ, nitro_v_int(1)}};
		nitro_cond bad2[] = {{"qty", NITRO_OP_EQ, nitro_v_text("x")}};
		nitro_cond bad3[] = {{"tags", NITRO_OP_LT, nitro_v_int(1)}};
		nitro_query q = {.all = bad1, .nall = 1};

		C_EQ_INT(cf_item_query(&q, &rows), NITRO_EINVAL, "unknown field");
		q.all = bad2;
		C_EQ_INT(cf_item_query(&q, &rows), NITRO_EINVAL, "text value for an integer");
		q.all = bad3;
		C_EQ_INT(cf_item_query(&q, &rows), NITRO_EINVAL, "JSON is not comparable");
	}
	nitro_repo_free(r);
}

static void t_search_filter(void)
{
	nitro_repo *r = fresh();
	struct cf_item a;
	nitro_rows rows;

	cf_item_init(&a);
	a.name = strdup("Milk");
	a.note = strdup("semi-skimmed");
	a.token = strdup("hidden-needle");
	cf_item_save(&a);
	cf_item_clear(&a);
	add("Bread", 1);
	add("buttermilk", 2);

	C_EQ_INT(cf_item_search("MILK", &rows), 0, "search");
	C_EQ_STR(names(&rows), "Milk buttermilk", "search is case-insensitive");
	nitro_rows_free(&rows);
	cf_item_search("skim", &rows);
	C_EQ_STR(names(&rows), "Milk", "search covers every text field");
	nitro_rows_free(&rows);
	cf_item_search("needle", &rows);
	C_EQ_INT(rows.n, 0, "search skips secret fields");
	nitro_rows_free(&rows);
	cf_item_search("%", &rows);
	C_EQ_INT(rows.n, 0, "search text is literal");
	nitro_rows_free(&rows);

	{
		const char *kv[] = {"name", "milk", NULL};

		cf_item_filter(kv, 0, &rows);
		C_EQ_INT(rows.n, 0, "exact filter is case-sensitive");
		nitro_rows_free(&rows);
		cf_item_filter(kv, 1, &rows);
		C_EQ_STR(names(&rows), "Milk buttermilk", "fuzzy filter");
		nitro_rows_free(&rows);
	}
	{
		const char *kv[] = {"qty", "2", "active", "true", NULL};
		const char *bad[] = {"qty", "two", NULL};

		cf_item_filter(kv, 1, &rows);
		C_EQ_STR(names(&rows), "buttermilk", "filter parses typed values");
		nitro_rows_free(&rows);
		C_EQ_INT(cf_item_filter(bad, 0, &rows), NITRO_EPARSE, "bad filter value");
	}
	C_EQ_INT(cf_item_find_by("name", nitro_v_text("Bread"), &a), 0, "find_by");
	C_EQ_INT(a.id, 2, "find_by found the right record");
	cf_item_clear(&a);
	C_EQ_INT(cf_item_find_by("name", nitro_v_text("nothing"), &a), NITRO_ENOTFOUND,
	    "find_by with no match");
	nitro_repo_free(r);
}

/* Search and filter sorted, sliced and counted: what a paged table asks. */
static void t_search_filter_paged(void)
{
	nitro_repo *r = fresh();
	nitro_rows rows;
	size_t total = 99;

	add("milk a", 3);
	add("Bread", 1);
	add("milk b", 1);
	add("MILK c", 2);
	add("buttermilk", -1);
	{
		nitro_order by_qty[] = {{"qty", 1}};
		nitro_query shape = {.order = by_qty, .norder = 1, .limit = 2};

		C_EQ_INT(cf_item_search_query("milk", &shape, &rows, &total), 0,
		    "search sorted and limited");
		C_EQ_STR(names(&rows), "milk a MILK c", "search sorted descending, first page");
		C_EQ_INT(total, 4, "total counts every match, not the page");
		nitro_rows_free(&rows);
		shape.offset = 2;
		cf_item_search_query("milk", &shape, &rows, &total);
		C_EQ_STR(names(&rows), "milk b buttermilk",
		    "second page: ties by id, NULL last descending");
		nitro_rows_free(&rows);
		shape.offset = 10;
		cf_item_search_query("milk", &shape, &rows, &total);
		C_EQ_INT(rows.n, 0, "a page past the end is empty");
		C_EQ_INT(total, 4, "and still knows the total");
		nitro_rows_free(&rows);
	}
	{
		nitro_order by_qty[] = {{"qty", 0}};
		nitro_query shape = {.order = by_qty, .norder = 1, .limit = 3, .offset = 1};

		C_EQ_INT(cf_item_search_query(NULL, &shape, &rows, &total), 0,
		    "no search text: every row");
		C_EQ_STR(names(&rows), "Bread milk b MILK c", "sorted ascending, sliced");
		C_EQ_INT(total, 5, "total of every row");
		nitro_rows_free(&rows);
		cf_item_search_query("", &shape, &rows, NULL);
		C_EQ_INT(rows.n, 3, "empty search text: every row too");
		nitro_rows_free(&rows);
	}
	{
		nitro_cond big[] = {{"qty", NITRO_OP_GE, nitro_v_int(2)}};
		nitro_query shape = {.all = big, .nall = 1};

		cf_item_search_query("milk", &shape, &rows, &total);
		C_EQ_STR(names(&rows), "milk a MILK c", "search and the shape's conditions");
		C_EQ_INT(total, 2, "total counts with them");
		nitro_rows_free(&rows);
		shape.any = big;
		shape.nany = 1;
		C_EQ_INT(cf_item_search_query("milk", &shape, &rows, NULL), NITRO_EINVAL,
		    "a shape with any conditions is refused");
	}
	{
		const char *kv[] = {"name", "milk", NULL};
		nitro_order by_qty[] = {{"qty", 0}};
		nitro_query shape = {.order = by_qty, .norder = 1, .limit = 2, .offset = 1};

		C_EQ_INT(cf_item_filter_query(kv, 1, &shape, &rows, &total), 0,
		    "filter sorted and sliced");
		C_EQ_STR(names(&rows), "milk b MILK c", "filter ascending, NULL first, second slice");
		C_EQ_INT(total, 4, "filter total");
		nitro_rows_free(&rows);
	}
	{
		nitro_order bad[] = {{"nope", 0}};
		nitro_query shape = {.order = bad, .norder = 1};

		C_EQ_INT(cf_item_search_query("milk", &shape, &rows, NULL), NITRO_EINVAL,
		    "sorting by an unknown field is refused");
	}
	nitro_repo_free(r);
}

static void t_bulk(void)
{
	nitro_repo *r = fresh();
	struct cf_item v[3];
	nitro_rows rows;
	size_t n;

	for (int i = 0; i < 3; i++) {
		char nmb[8];

		cf_item_init(&v[i]);
		snprintf(nmb, sizeof nmb, "n%d", i);
		v[i].name = strdup(nmb);
		v[i].qty = i;
	}
	C_EQ_INT(cf_item_save_many(v, 3), 0, "save_many");
	C_OK(v[0].id == 1 && v[1].id == 2 && v[2].id == 3, "save_many assigns ids in order");
	for (int i = 0; i < 3; i++)
		cf_item_clear(&v[i]);

	/* A batch that breaks a unique constraint saves nothing. */
	cf_item_init(&v[0]);
	v[0].name = strdup("fresh");
	cf_item_init(&v[1]);
	v[1].name = strdup("n1");
	C_EQ_INT(cf_item_save_many(v, 2), NITRO_EEXIST, "batch with a conflict");
	cf_item_count(NULL, &n);
	C_EQ_INT(n, 3, "the batch is all or nothing");
	free(v[1].name);
	v[1].name = strdup("fresh");
	C_EQ_INT(cf_item_save_many(v, 2), NITRO_EEXIST, "conflict inside the batch");
	cf_item_clear(&v[0]);
	cf_item_clear(&v[1]);

	/* One id twice in a batch is a mistake, not "the last copy wins". */
	cf_item_init(&v[0]);
	v[0].id = 1;
	v[0].name = strdup("twice-a");
	cf_item_init(&v[1]);
	v[1].id = 1;
	v[1].name = strdup("twice-b");
	C_EQ_INT(cf_item_save_many(v, 2), NITRO_EEXIST, "the same id twice in a batch");
	{
		struct cf_item one;

		cf_item_init(&one);
		C_OK(cf_item_get(nitro_id_int(1), &one) == 0 && strcmp(one.name, "n0") == 0,
		    "and nothing of it was saved");
		cf_item_clear(&one);
	}
	C_EQ_INT(v[0].id, 1, "the ids are the callers' still");
	cf_item_clear(&v[0]);
	cf_item_clear(&v[1]);

	/* Upsert by a unique key: n1 is updated in place, n9 is new. */
	cf_item_init(&v[0]);
	v[0].name = strdup("n1");
	v[0].qty = 100;
	cf_item_init(&v[1]);
	v[1].name = strdup("n9");
	v[1].qty = 9;
	C_EQ_INT(cf_item_upsert_many(v, 2, "name"), 0, "upsert_many");
	C_EQ_INT(v[0].id, 2, "upsert took the existing id");
	C_EQ_INT(v[1].id, 4, "upsert inserted the new one");
	cf_item_clear(&v[0]);
	cf_item_clear(&v[1]);
	{
		nitro_order o[] = {{"id", 0}};
		nitro_query q = {.order = o, .norder = 1};

		cf_item_query(&q, &rows);
		C_EQ_STR(names(&rows), "n0 n1 n2 n9", "upsert result");
		C_EQ_INT(((struct cf_item *)rows.items)[1].qty, 100, "upsert updated the value");
		nitro_rows_free(&rows);
	}
	C_EQ_INT(cf_item_upsert_many(v, 1, "qty"), NITRO_EINVAL, "upsert key must be unique");
	nitro_repo_free(r);
}

static int saw_saving, saw_saved, saw_deleting, saw_deleted;

static int veto_bad(nitro_event *ev, void *udata)
{
	struct cf_item *it = ev->payload;

	(void)udata;
	if (ev->schema != &cf_item_schema)
		return NITRO_EINTERNAL;
	if (strstr(ev->name, "saving"))
		saw_saving++;
	if (strstr(ev->name, "deleting"))
		saw_deleting++;
	if (it->name && strcmp(it->name, "bad") == 0)
		return nitro_event_veto(ev, "no bad names");
	return NITRO_EVENT_CONTINUE;
}

static int count_done(nitro_event *ev, void *udata)
{
	(void)udata;
	if (strcmp(ev->name, "cf_item.saved") == 0)
		saw_saved++;
	else
		saw_deleted++;
	return 0;
}

static void t_events(void)
{
	nitro_repo *r = fresh();
	nitro_bus *bus = nitro_bus_new(NULL);
	struct cf_item a;
	size_t n;
	int64_t id;

	nitro_entity_bind(&cf_item_schema, r, bus);
	nitro_bus_on(bus, "cf_item.saving", veto_bad, NULL, NULL);
	nitro_bus_on(bus, "cf_item.deleting", veto_bad, NULL, NULL);
	nitro_bus_on(bus, "*.saved", count_done, NULL, NULL);
	nitro_bus_on(bus, "cf_item.deleted", count_done, NULL, NULL);

	cf_item_init(&a);
	a.name = strdup("bad");
	C_EQ_INT(cf_item_save(&a), NITRO_EVETO, "a saving handler vetoes");
	C_OK(strstr(nitro_errmsg(), "no bad names") != NULL, "the veto reason reaches the caller");
	cf_item_clear(&a);
	cf_item_count(NULL, &n);
	C_EQ_INT(n, 0, "a vetoed save stores nothing");
	id = add("good", 1);
	C_EQ_INT(saw_saving, 2, "saving emitted for each attempt");
	C_EQ_INT(saw_saved, 1, "saved emitted once");

	/* A record renamed to "bad" cannot be deleted. */
	cf_item_get(nitro_id_int(id), &a);
	free(a.name);
	a.name = strdup("bad");
	nitro_bus_off(bus, 1);
	cf_item_save(&a);
	cf_item_clear(&a);
	C_EQ_INT(cf_item_delete(nitro_id_int(id)), NITRO_EVETO, "a deleting handler vetoes");
	C_EQ_INT(cf_item_exists(nitro_id_int(id)), 1, "the vetoed delete kept the record");
	C_EQ_INT(saw_deleting, 1, "deleting emitted");
	C_EQ_INT(saw_deleted, 0, "no deleted after a veto");
	C_EQ_INT(cf_item_delete(nitro_id_int(add("other", 2))), 0, "delete another");
	C_EQ_INT(saw_deleted, 1, "deleted emitted");
	nitro_repo_free(r);
	nitro_bus_free(bus);
}

static void t_uuid(void)
{
	nitro_repo *r = fresh();
	struct cf_tok t, u;

	cf_tok_init(&t);
	t.label = strdup("x");
	C_EQ_INT(cf_tok_save(&t), 0, "save with a UUID id");
	C_OK(t.id != NULL && strlen(t.id) == 36 && t.id[14] == '4', "a version 4 UUID was made");
	C_EQ_INT(cf_tok_get(nitro_id_text(t.id), &u), 0, "get by UUID");
	C_EQ_STR(u.label, "x", "the UUID record");
	cf_tok_clear(&u);
	C_EQ_INT(cf_tok_delete(nitro_id_text(t.id)), 0, "delete by UUID");
	C_EQ_INT(cf_tok_exists(nitro_id_text(t.id)), 0, "gone");
	cf_tok_clear(&t);
	nitro_repo_free(r);
}

#define WORKERS 4
#define PER 200

static void *worker(void *arg)
{
	int w = (int)(intptr_t)arg;
	char nmb[32];

	for (int i = 0; i < PER; i++) {
		struct cf_item a, b;

		snprintf(nmb, sizeof nmb, "w%d-%d", w, i);
		cf_item_init(&a);
		a.name = strdup(nmb);
		a.qty = i;
		if (cf_item_save(&a) == 0 && cf_item_get(nitro_id_int(a.id), &b) == 0) {
			if (strcmp(b.name, nmb) != 0)
				printf("# worker %d read a wrong record\n", w);
			cf_item_clear(&b);
		}
		cf_item_clear(&a);
	}
	return NULL;
}

static void t_concurrent(void)
{
	nitro_repo *r = fresh();
	pthread_t th[WORKERS];
	nitro_rows rows;
	size_t n;
	int distinct = 1;

	for (int i = 0; i < WORKERS; i++)
		pthread_create(&th[i], NULL, worker, (void *)(intptr_t)i);
	for (int i = 0; i < WORKERS; i++)
		pthread_join(th[i], NULL);
	cf_item_count(NULL, &n);
	C_EQ_INT(n, WORKERS * PER, "concurrent saves all stored");
	cf_item_all(&rows);
	for (size_t i = 0; i < rows.n; i++)
		if (((struct cf_item *)rows.items)[i].id != (int64_t)i + 1)
			distinct = 0;
	C_OK(distinct && rows.n == WORKERS * PER, "ids are distinct and dense");
	nitro_rows_free(&rows);
	nitro_repo_free(r);
}

int repo_conformance_run(const struct repo_conformance *rc)
{
	cur = rc;
	failed = 0;
	t_roundtrip();
	t_update_delete();
	t_constraints();
	t_query();
	t_search_filter();
	t_search_filter_paged();
	t_bulk();
	t_events();
	t_uuid();
	t_concurrent();
	return failed;
}
