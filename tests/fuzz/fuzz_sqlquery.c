/*
 * libFuzzer harness for query compilation.  The input is decoded into a
 * condition tree (groups, comparisons, IN, BETWEEN, LIKE, PREFIX) over
 * field names that are real, hostile or taken from the input, with values
 * of every type, plus an ordering; it runs against a real database of five
 * rows.  Checked: every answer is 0 or a refusal (never an SQL error,
 * which would mean the compiler wrote bad SQL, never a crash), a count
 * agrees with the rows a query returns, and the table is intact after.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nitro/core.h"
#include "nitro/sql.h"

#define FZ(X) \
	X(id,    INT,  NITRO_F_ID) \
	X(name,  TEXT, NITRO_F_SEARCH) \
	X(qty,   INT) \
	X(price, REAL) \
	X(ok,    BOOL) \
	X(at,    TIME) \
	X(doc,   JSON) \
	X(raw,   BLOB)
NITRO_ENTITY(fz, FZ)
NITRO_ENTITY_DEFINE(fz, FZ);

static const char *const names[] = {
	"id", "name", "qty", "price", "ok", "at", "doc", "raw", "nope",
	"name; DROP TABLE fz", "\"name\"", "qty--", "", NULL,
};
static const int ops[] = {
	NITRO_OP_EQ, NITRO_OP_NE, NITRO_OP_LT, NITRO_OP_LE, NITRO_OP_GT, NITRO_OP_GE,
	NITRO_OP_IS_NULL, NITRO_OP_NOT_NULL, NITRO_OP_CONTAINS, NITRO_SQL_AND, NITRO_SQL_OR,
	NITRO_SQL_IN, NITRO_SQL_BETWEEN, NITRO_SQL_LIKE, NITRO_SQL_PREFIX, 0, 999,
};

struct in {
	const uint8_t *p;
	size_t n;
};

static unsigned byte(struct in *in)
{
	if (in->n == 0)
		return 0;
	in->n--;
	return *in->p++;
}

static char texts[64][24];
static int ntexts;

static const char *text(struct in *in)
{
	unsigned len = byte(in) % 20;
	char *t;

	if (ntexts == 64)
		return "x";
	t = texts[ntexts++];
	for (unsigned i = 0; i < len; i++)
		t[i] = (char)(byte(in) | 1);	/* no NUL inside */
	t[len] = '\0';
	return t;
}

static nitro_value value(struct in *in)
{
	switch (byte(in) % 6) {
	case 0: return nitro_v_int((int64_t)(int8_t)byte(in));
	case 1: return nitro_v_real((double)(int8_t)byte(in) / 4);
	case 2: return nitro_v_bool(byte(in) & 1);
	case 3: return nitro_v_text(text(in));
	case 4: return nitro_v_null();
	default: {
		nitro_value v = nitro_v_int(0);

		v.type = NITRO_T_TIME;
		return v;
	}
	}
}

static nitro_sql_cond pool[300];
static nitro_value vals[600];
static size_t npool, nvals;

static const char *field(struct in *in)
{
	unsigned k = byte(in);

	if (k == 255)
		return text(in);
	return names[k % (sizeof names / sizeof names[0])];
}

/* Fill c from the input; a group's children are contiguous in pool. */
static void fill(nitro_sql_cond *c, struct in *in, int depth)
{
	memset(c, 0, sizeof *c);
	c->op = ops[byte(in) % (sizeof ops / sizeof ops[0])];
	c->field = field(in);
	c->v = value(in);
	c->v2 = value(in);
	if (c->op == NITRO_SQL_AND || c->op == NITRO_SQL_OR) {
		size_t n = depth < 12 ? byte(in) % 4 : 0;
		nitro_sql_cond *kids = &pool[npool];

		if (npool + n > sizeof pool / sizeof pool[0])
			n = 0;
		npool += n;
		c->sub = n ? kids : NULL;
		c->nsub = n;
		for (size_t i = 0; i < n; i++)
			fill(&kids[i], in, depth + 1);
	} else if (c->op == NITRO_SQL_IN) {
		size_t n = byte(in) % 6;

		if (nvals + n > sizeof vals / sizeof vals[0])
			n = 0;
		c->list = &vals[nvals];
		for (size_t i = 0; i < n; i++)
			vals[nvals++] = value(in);
		c->nlist = n;
	}
}

static nitro_sql_cond *tree(struct in *in)
{
	nitro_sql_cond *c = &pool[npool++];

	fill(c, in, 0);
	return c;
}

static nitro_repo *repo;

static void setup(void)
{
	struct nitro_sql_opts o = {.create_tables = 1};
	char path[100];

	snprintf(path, sizeof path, "/tmp/nitro-fuzz-sql-%d.db", (int)getpid());
	unlink(path);
	nitro_log_set_level(NITRO_LOG_OFF);
	repo = nitro_sqlrepo_new(path, &o);
	if (repo == NULL || nitro_entity_bind(&fz_schema, repo, NULL) < 0)
		abort();
	for (int i = 0; i < 5; i++) {
		struct fz r;

		fz_init(&r);
		r.name = strdup(i % 2 ? "a%b_c" : "Plain Name");
		r.qty = i - 2;
		r.price = i * 1.5;
		r.ok = i & 1;
		r.at = 1000 * i;
		if (i == 3)
			nitro_entity_set_null(&fz_schema, &r, "qty", 1);
		if (fz_save(&r) < 0)
			abort();
		fz_clear(&r);
	}
	/* The file goes when the process does. */
	unlink(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct in in = {data, size};
	nitro_sql_cond *where;
	nitro_order ord[3];
	nitro_sql_select q;
	nitro_rows rows;
	size_t n = 0, all = 0;
	int rc1, rc2;

	if (repo == NULL)
		setup();
	if (size > 4096)
		return 0;
	npool = nvals = 0;
	ntexts = 0;
	where = byte(&in) % 8 ? tree(&in) : NULL;
	memset(&q, 0, sizeof q);
	q.where = where;
	q.norder = byte(&in) % 4;
	for (size_t i = 0; i < q.norder; i++) {
		ord[i].field = field(&in);
		ord[i].desc = byte(&in) & 1;
	}
	q.order = ord;
	q.limit = byte(&in) % 8;
	q.offset = byte(&in) % 8;
	rc1 = nitro_sql_count(&fz_schema, where, &n);
	rc2 = nitro_sql_query(&fz_schema, &q, &rows);
	/* Refusals only: an I/O error here means the SQL was malformed. */
	if (rc1 == NITRO_EIO || rc2 == NITRO_EIO || rc1 == NITRO_EINTERNAL ||
	    rc2 == NITRO_EINTERNAL || rc1 > 0 || rc2 > 0) {
		fprintf(stderr, "bad answer %d/%d: %s\n", rc1, rc2, nitro_errmsg());
		abort();
	}
	if (rc2 == 0) {
		size_t want = n > q.offset ? n - q.offset : 0;

		if (q.limit && want > q.limit)
			want = q.limit;
		if (rc1 == 0 && rows.n != want)
			abort();
		nitro_rows_free(&rows);
	}
	if (nitro_sql_count(&fz_schema, NULL, &all) != 0 || all != 5)
		abort();
	return 0;
}
