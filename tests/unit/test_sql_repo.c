/*
 * What only the SQLite repository does: connection settings, SQL
 * injection refused or inert in every value and name position, condition
 * trees, full-text search, relationships, units of work, the event log
 * and its followers, migrations, and clear errors for read-only, corrupt
 * and busy databases.
 */
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <json-c/json.h>

#include "nitro/core.h"
#include "nitro/sql.h"
#include "core/uow.h"
#include "t.h"

#define USER(X) \
	X(id,    INT,  NITRO_F_ID) \
	X(email, TEXT, NITRO_F_REQUIRED, NITRO_F_UNIQUE) \
	X(name,  TEXT, NITRO_F_SEARCH) \
	X(bio,   TEXT, NITRO_F_SEARCH) \
	X(age,   INT,  NITRO_F_INDEX) \
	X(born,  TIME)
NITRO_ENTITY(user, USER)
NITRO_ENTITY_DEFINE(user, USER);

#define POST(X) \
	X(id,      INT,  NITRO_F_ID) \
	X(user_id, INT,  NITRO_F_REQUIRED, NITRO_F_REF("user")) \
	X(title,   TEXT, NITRO_F_DEFAULT("untitled"))
NITRO_ENTITY(post, POST)
NITRO_ENTITY_DEFINE(post, POST);

#define TAG(X) \
	X(id,    INT,  NITRO_F_ID) \
	X(label, TEXT, NITRO_F_UNIQUE)
NITRO_ENTITY(tag, TAG)
NITRO_ENTITY_DEFINE(tag, TAG);

/* A hand-made schema with a hostile column name. */
static const nitro_field bad_f[] = {
	{.name = "id", .type = NITRO_T_INT, .offset = 8, .id = 1},
	{.name = "x\"; DROP TABLE user; --", .type = NITRO_T_INT, .offset = 16},
};
static const nitro_field *bad_fields(void) { return bad_f; }
static nitro_schema bad_schema = {"bad", 24, 2, bad_fields, NULL};

int nitro__sql_migration_name(const char *file, int64_t *version, char *name, size_t cap);

static char dir[] = "/tmp/nitro-sqlmore-XXXXXX";
static char path[200];
static int serial;

static const char *const evil[] = {
	"'; DROP TABLE user; --",
	"\" OR 1=1 --",
	"x') UNION SELECT * FROM sqlite_schema --",
	"%", "_", "\\", "a%b_c\\d",
	"Robert'); DELETE FROM user WHERE ('1'='1",
};
#define NEVIL (sizeof evil / sizeof evil[0])

static nitro_repo *open_db(int fresh, const struct nitro_sql_opts *o)
{
	struct nitro_sql_opts dflt = {.create_tables = 1};
	nitro_repo *r;

	if (fresh)
		snprintf(path, sizeof path, "%s/m%d.db", dir, ++serial);
	r = nitro_sqlrepo_new(path, o ? o : &dflt);
	if (r == NULL)
		printf("# open %s: %s\n", path, nitro_errmsg());
	return r;
}

static int bind_all(nitro_repo *r)
{
	return nitro_entity_bind(&user_schema, r, NULL) || nitro_entity_bind(&post_schema, r, NULL) ||
	    nitro_entity_bind(&tag_schema, r, NULL);
}

static int64_t add_user(const char *email, const char *name, const char *bio, int age)
{
	struct user u;
	int64_t id;

	user_init(&u);
	u.email = strdup(email);
	u.name = name ? strdup(name) : NULL;
	u.bio = bio ? strdup(bio) : NULL;
	u.age = age;
	if (user_save(&u) < 0) {
		printf("# add_user %s: %s\n", email, nitro_errmsg());
		user_clear(&u);
		return -1;
	}
	id = u.id;
	user_clear(&u);
	return id;
}

/* A value read straight from the file, bypassing Nitro. */
static long long peek(const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	long long v = -1;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		return -2;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			v = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	return v;
}

static void test_settings(void)
{
	struct nitro_sql_opts full = {.create_tables = 1, .synchronous_full = 1};
	nitro_repo *r = open_db(1, NULL);
	nitro_buf ddl = NITRO_BUF_INIT;

	T_OK(r != NULL, "open a new database");
	T_EQ_STR(nitro_repo_name(r), "sqlite", "repository name");
	T_EQ_INT(bind_all(r), 0, "bind three schemas (tables made in development mode)");
	T_EQ_INT(peek("SELECT count(*) FROM sqlite_schema WHERE name IN "
	    "('user','post','tag','user_fts','nitro_events','nitro_migrations')"), 6,
	    "tables, FTS table, event log and migrations table exist");
	T_EQ_INT(peek("SELECT count(*) FROM sqlite_schema WHERE type='index' AND "
	    "name IN ('user_age_idx','post_user_id_idx')"), 2,
	    "indexes for NITRO_F_INDEX and references");
	{
		sqlite3 *db;
		char *jm = NULL;

		sqlite3_open(path, &db);
		sqlite3_stmt *st;
		sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL);
		if (sqlite3_step(st) == SQLITE_ROW)
			jm = strdup((const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
		sqlite3_close(db);
		T_EQ_STR(jm, "wal", "the file is in WAL mode");
		free(jm);
	}
	T_EQ_INT(nitro_sql_ddl(&post_schema, &ddl), 0, "ddl");
	T_OK(strstr(ddl.data, "\"user_id\" INTEGER NOT NULL REFERENCES \"user\"") != NULL,
	    "a reference becomes a foreign key");
	T_OK(strstr(ddl.data, "\"title\" TEXT DEFAULT 'untitled'") != NULL, "default");
	T_OK(strstr(ddl.data, ") STRICT;") != NULL, "strict table");
	nitro_buf_free(&ddl);
	nitro_buf_init(&ddl, 0);
	T_EQ_INT(nitro_sql_ddl(&user_schema, &ddl), 0, "ddl with search");
	T_OK(strstr(ddl.data, "\"email\" TEXT NOT NULL UNIQUE") != NULL, "NOT NULL UNIQUE");
	T_OK(strstr(ddl.data, "USING fts5(\"name\",\"bio\"") != NULL, "FTS5 over the search fields");
	nitro_buf_free(&ddl);
	{
		/* sqlite_ names are SQLite's own (core/sqlgen.c, with sql/'s
		 * data).  A copy of a used schema shares its internals. */
		nitro_schema own = user_schema;

		own.name = "sqlite_user";
		nitro_buf_init(&ddl, 0);
		T_EQ_INT(nitro_sql_ddl(&own, &ddl), NITRO_EINVAL, "a sqlite_ table name is refused");
		T_OK(strstr(nitro_errmsg(), "not a valid SQL table name") != NULL, "... and says so");
		own.name = "pg_user";
		T_EQ_INT(nitro_sql_ddl(&own, &ddl), 0, "a pg_ one is SQLite's to take");
		nitro_buf_free(&ddl);
	}
	nitro_repo_free(r);

	r = open_db(0, &full);
	T_OK(r != NULL, "reopen with synchronous=FULL");
	nitro_repo_free(r);
	T_OK(nitro_sqlrepo_new(NULL, NULL) == NULL, "no path refused");
	T_OK(nitro_sqlrepo_new(":memory:", NULL) == NULL && strstr(nitro_errmsg(), ":memory:"),
	    "\":memory:\" refused: one database per thread's connection");
	T_OK(nitro_sqlrepo_new("/nonexistent-dir/x/y.db", NULL) == NULL &&
	    strstr(nitro_errmsg(), "cannot open") != NULL, "unopenable path: clear error");
}

static void test_injection(void)
{
	nitro_repo *r = open_db(1, NULL);
	nitro_rows rows;
	size_t n;
	int ok = 1;

	bind_all(r);
	/* Every hostile string is stored and found back as plain data. */
	for (size_t i = 0; i < NEVIL; i++) {
		int64_t id = add_user(evil[i], evil[i], evil[i], (int)i);
		struct user u;

		if (id <= 0 || user_get(nitro_id_int(id), &u) < 0) {
			ok = 0;
			continue;
		}
		ok &= strcmp(u.email, evil[i]) == 0 && strcmp(u.name, evil[i]) == 0;
		user_clear(&u);
		if (user_find_by("email", nitro_v_text(evil[i]), &u) == 0) {
			ok &= u.id == id;
			user_clear(&u);
		} else {
			ok = 0;
		}
	}
	T_OK(ok, "hostile strings in every value round-trip as data");
	T_EQ_INT(peek("SELECT count(*) FROM user"), (long long)NEVIL, "the table is intact");
	{
		nitro_cond c = {"email", NITRO_OP_CONTAINS, nitro_v_text("%")};
		nitro_query q = {.all = &c, .nall = 1};

		user_query(&q, &rows);
		T_EQ_INT(rows.n, 2, "contains % is literal (\"%\" and \"a%b_c\\d\")");
		nitro_rows_free(&rows);
		c.v = nitro_v_text("_");
		user_query(&q, &rows);
		T_EQ_INT(rows.n, 3, "contains _ is literal (\"_\", \"a%b_c\\d\", \"sqlite_schema\")");
		nitro_rows_free(&rows);
		c.v = nitro_v_text("\\");
		user_query(&q, &rows);
		T_EQ_INT(rows.n, 2, "contains \\ is literal");
		nitro_rows_free(&rows);
		{
			/* A text match is bounded (core/sqlgen.c), at the limit and past it. */
			char big[4098];

			memset(big, 'a', sizeof big - 1);
			big[4097] = '\0';
			c.v = nitro_v_text(big);
			T_EQ_INT(user_query(&q, &rows), NITRO_ELIMIT, "contains past 4096 bytes: ELIMIT");
			big[4096] = '\0';
			T_EQ_INT(user_query(&q, &rows), 0, "contains of 4096 bytes is run");
			nitro_rows_free(&rows);
		}
	}
	/* Hostile names in every name position are refused. */
	for (size_t i = 0; i < NEVIL; i++) {
		nitro_cond c = {evil[i], NITRO_OP_EQ, nitro_v_int(1)};
		nitro_order o = {evil[i], 0};
		nitro_query q1 = {.all = &c, .nall = 1}, q2 = {.order = &o, .norder = 1};
		nitro_query q3 = {.any = &c, .nany = 1};
		nitro_sql_cond sc = {.op = NITRO_OP_EQ, .field = evil[i], .v = nitro_v_int(1)};
		nitro_sql_select sq = {.where = &sc};
		const char *kv[] = {evil[i], "1", NULL};
		struct user u;
		const char *k = evil[i];

		ok = user_query(&q1, &rows) == NITRO_EINVAL &&
		    user_query(&q2, &rows) == NITRO_EINVAL &&
		    user_query(&q3, &rows) == NITRO_EINVAL &&
		    user_count(&q1, &n) == NITRO_EINVAL &&
		    nitro_sql_query(&user_schema, &sq, &rows) == NITRO_EINVAL &&
		    nitro_sql_count(&user_schema, &sc, &n) == NITRO_EINVAL &&
		    user_filter(kv, 0, &rows) == NITRO_EINVAL &&
		    user_find_by(k, nitro_v_int(1), &u) == NITRO_EINVAL &&
		    user_upsert_many(NULL, 1, k) == NITRO_EINVAL &&
		    nitro_sql_has_many(&post_schema, k, nitro_id_int(1), &rows) == NITRO_EINVAL;
		if (!T_OK(ok, "a hostile field name is refused everywhere"))
			printf("#   name: %s\n", evil[i]);
	}
	T_EQ_INT(peek("SELECT count(*) FROM user"), (long long)NEVIL, "still intact");
	/* A schema whose names are not identifiers never reaches SQL. */
	{
		T_EQ_INT(nitro_entity_bind(&bad_schema, r, NULL), NITRO_EINVAL,
		    "a schema with a hostile column name is refused");
	}
	nitro_repo_free(r);
}

static void test_trees(void)
{
	nitro_repo *r = open_db(1, NULL);
	nitro_rows rows;
	size_t n;

	bind_all(r);
	add_user("a@x", "Ann", "likes cats", 20);
	add_user("b@x", "Bob", "likes dogs", 30);
	add_user("c@x", "Cid", NULL, 40);
	add_user("d@x", "Dee", "cats and dogs", 50);
	{
		nitro_value in[] = {nitro_v_int(20), nitro_v_int(50), nitro_v_int(99)};
		nitro_sql_cond c = {.op = NITRO_SQL_IN, .field = "age", .list = in, .nlist = 3};
		nitro_sql_select q = {.where = &c};

		T_EQ_INT(nitro_sql_query(&user_schema, &q, &rows), 0, "IN");
		T_EQ_INT(rows.n, 2, "IN matched two");
		nitro_rows_free(&rows);
	}
	{
		nitro_sql_cond c = {.op = NITRO_SQL_BETWEEN, .field = "age",
		    .v = nitro_v_int(30), .v2 = nitro_v_int(40)};
		nitro_order o = {"age", 1};
		nitro_sql_select q = {.where = &c, .order = &o, .norder = 1};

		nitro_sql_query(&user_schema, &q, &rows);
		T_OK(rows.n == 2 && ((struct user *)rows.items)[0].age == 40,
		    "BETWEEN is inclusive, ordered descending");
		nitro_rows_free(&rows);
	}
	{
		/* (age < 25 OR age > 45) AND bio LIKE '%cat%' */
		nitro_sql_cond ors[] = {
			{.op = NITRO_OP_LT, .field = "age", .v = nitro_v_int(25)},
			{.op = NITRO_OP_GT, .field = "age", .v = nitro_v_int(45)},
		};
		nitro_sql_cond ands[] = {
			{.op = NITRO_SQL_OR, .sub = ors, .nsub = 2},
			{.op = NITRO_SQL_LIKE, .field = "bio", .v = nitro_v_text("%CAT%")},
		};
		nitro_sql_cond top = {.op = NITRO_SQL_AND, .sub = ands, .nsub = 2};

		T_EQ_INT(nitro_sql_count(&user_schema, &top, &n), 0, "count a tree");
		T_EQ_INT(n, 2, "AND of an OR group and a case-insensitive LIKE");
		ands[1].op = NITRO_SQL_PREFIX;
		ands[1].v = nitro_v_text("likes");
		nitro_sql_count(&user_schema, &top, &n);
		T_EQ_INT(n, 1, "prefix");
		ands[1].v = nitro_v_text("%");
		nitro_sql_count(&user_schema, &top, &n);
		T_EQ_INT(n, 0, "prefix text is literal");
	}
	{
		nitro_sql_cond c = {.op = NITRO_OP_IS_NULL, .field = "bio"};

		nitro_sql_count(&user_schema, &c, &n);
		T_EQ_INT(n, 1, "IS NULL");
		c.op = NITRO_SQL_IN;
		c.nlist = 0;
		nitro_sql_count(&user_schema, &c, &n);
		T_EQ_INT(n, 0, "empty IN matches nothing");
	}
	{
		nitro_sql_cond deep[12];
		nitro_sql_cond bad = {.op = NITRO_OP_EQ, .field = "age", .v = nitro_v_text("x")};

		for (int i = 0; i < 11; i++)
			deep[i] = (nitro_sql_cond){.op = NITRO_SQL_AND, .sub = &deep[i + 1], .nsub = 1};
		deep[11] = (nitro_sql_cond){.op = NITRO_OP_IS_NULL, .field = "bio"};
		T_EQ_INT(nitro_sql_count(&user_schema, deep, &n), NITRO_ELIMIT, "nesting is bounded");
		T_EQ_INT(nitro_sql_count(&user_schema, &bad, &n), NITRO_EINVAL, "type checked");
		bad.op = 999;
		T_EQ_INT(nitro_sql_count(&user_schema, &bad, &n), NITRO_EINVAL, "unknown operator");
	}
	/* Full-text search over the NITRO_F_SEARCH fields. */
	T_EQ_INT(nitro_sql_search(&user_schema, "cats", 0, &rows), 0, "FTS search");
	T_EQ_INT(rows.n, 2, "FTS found both cat lovers");
	nitro_rows_free(&rows);
	T_EQ_INT(nitro_sql_search(&user_schema, "cats dogs", 0, &rows), 0, "two words");
	T_OK(rows.n == 1 && strcmp(((struct user *)rows.items)[0].name, "Dee") == 0,
	    "words are ANDed");
	nitro_rows_free(&rows);
	T_EQ_INT(nitro_sql_search(&user_schema, "\"NEAR(cats* bio:dogs) OR", 0, &rows), 0,
	    "FTS syntax in user text is inert");
	T_EQ_INT(rows.n, 0, "and matches nothing");
	nitro_rows_free(&rows);
	{
		struct user u;

		user_get(nitro_id_int(2), &u);
		free(u.bio);
		u.bio = strdup("now a cat person");
		user_save(&u);
		user_clear(&u);
		nitro_sql_search(&user_schema, "cat", 0, &rows);
		T_EQ_INT(rows.n, 1, "the index follows updates (\"cat\" is its own word)");
		nitro_rows_free(&rows);
		user_delete(nitro_id_int(2));
		nitro_sql_search(&user_schema, "person", 0, &rows);
		T_EQ_INT(rows.n, 0, "and deletes");
		nitro_rows_free(&rows);
	}
	T_EQ_INT(nitro_sql_search(&user_schema, "   ", 0, &rows), NITRO_EINVAL, "no words");
	T_EQ_INT(nitro_sql_search(&post_schema, "x", 0, &rows), NITRO_EINVAL,
	    "nothing searchable");
	nitro_repo_free(r);
}

static void test_relations(void)
{
	nitro_repo *r = open_db(1, NULL);
	nitro_rows rows;
	struct post p;
	int64_t ann, bob;

	bind_all(r);
	ann = add_user("ann@x", "Ann", NULL, 1);
	bob = add_user("bob@x", "Bob", NULL, 2);
	for (int i = 0; i < 3; i++) {
		post_init(&p);
		p.user_id = i < 2 ? ann : bob;
		T_EQ_INT(post_save(&p), 0, "save a post");
		post_clear(&p);
	}
	post_init(&p);
	p.user_id = 999;
	T_EQ_INT(post_save(&p), NITRO_ECONSTRAINT, "a reference to nothing is refused");
	T_OK(strstr(nitro_errmsg(), "user_id") != NULL, "the message names the field");
	post_clear(&p);
	T_EQ_INT(nitro_sql_has_many(&post_schema, "user_id", nitro_id_int(ann), &rows), 0,
	    "has many");
	T_OK(rows.n == 2 && strcmp(((struct post *)rows.items)[0].title, "untitled") == 0,
	    "Ann's two posts");
	nitro_rows_free(&rows);
	T_EQ_INT(nitro_sql_has_many(&post_schema, "title", nitro_id_int(ann), &rows),
	    NITRO_EINVAL, "has many needs a reference field");
	T_EQ_INT(user_delete(nitro_id_int(bob)), NITRO_ECONSTRAINT,
	    "a referenced record cannot be deleted");
	T_EQ_INT(user_exists(nitro_id_int(bob)), 1, "and is still there");

	/* Many-to-many through user_tag... named tag_user (byte order). */
	{
		struct tag t;

		for (int i = 0; i < 2; i++) {
			tag_init(&t);
			t.label = strdup(i ? "blue" : "red");
			tag_save(&t);
			tag_clear(&t);
		}
	}
	T_EQ_INT(nitro_sql_link(&user_schema, nitro_id_int(ann), &tag_schema, nitro_id_int(2)),
	    0, "link");
	T_EQ_INT(nitro_sql_link(&tag_schema, nitro_id_int(1), &user_schema, nitro_id_int(ann)),
	    0, "link the other way round");
	T_EQ_INT(nitro_sql_link(&user_schema, nitro_id_int(ann), &tag_schema, nitro_id_int(2)),
	    0, "linking twice is fine");
	T_EQ_INT(nitro_sql_link(&user_schema, nitro_id_int(ann), &tag_schema, nitro_id_int(77)),
	    NITRO_ECONSTRAINT, "link to nothing");
	T_EQ_INT(nitro_sql_linked(&user_schema, nitro_id_int(ann), &tag_schema, &rows), 0,
	    "linked");
	T_OK(rows.n == 2 && strcmp(((struct tag *)rows.items)[0].label, "red") == 0 &&
	    strcmp(((struct tag *)rows.items)[1].label, "blue") == 0, "both tags, in id order");
	nitro_rows_free(&rows);
	nitro_sql_linked(&tag_schema, nitro_id_int(2), &user_schema, &rows);
	T_OK(rows.n == 1 && ((struct user *)rows.items)[0].id == ann, "and back");
	nitro_rows_free(&rows);
	T_EQ_INT(nitro_sql_unlink(&user_schema, nitro_id_int(ann), &tag_schema, nitro_id_int(2)),
	    0, "unlink");
	T_EQ_INT(nitro_sql_unlink(&user_schema, nitro_id_int(ann), &tag_schema, nitro_id_int(2)),
	    NITRO_ENOTFOUND, "unlink twice");
	T_EQ_INT(tag_delete(nitro_id_int(1)), 0, "delete a linked tag");
	nitro_sql_linked(&user_schema, nitro_id_int(ann), &tag_schema, &rows);
	T_EQ_INT(rows.n, 0, "its links went with it");
	nitro_rows_free(&rows);
	nitro_repo_free(r);
}

/* What a bus handler saw: event names and the e-mail of each record. */
static char seen[512];

static int on_user(nitro_event *ev, void *udata)
{
	const struct user *u = ev->payload;

	(void)udata;
	snprintf(seen + strlen(seen), sizeof seen - strlen(seen), "%s:%s ", ev->name,
	    u && u->email ? u->email : "?");
	return 0;
}

/* "<e>.saved" and "<e>.deleted" wait for the commit of the unit of work
 * they happened in, and a rollback drops them. */
static void test_uow_events(nitro_repo *r)
{
	nitro_bus *bus = nitro_bus_new(NULL);
	int64_t id;

	T_OK(bus != NULL && nitro_bus_on(bus, "user.saved", on_user, NULL, NULL) >= 0 &&
	    nitro_bus_on(bus, "user.deleted", on_user, NULL, NULL) >= 0, "subscribe");
	nitro_entity_bind(&user_schema, r, bus);
	seen[0] = '\0';
	add_user("now@x", NULL, NULL, 1);
	T_EQ_STR(seen, "user.saved:now@x ", "outside a unit of work: at once");
	seen[0] = '\0';
	nitro_sql_begin(r);
	id = add_user("held@x", NULL, NULL, 1);
	T_EQ_STR(seen, "", "inside one: held");
	nitro_sql_begin(r);
	add_user("inner@x", NULL, NULL, 1);
	T_EQ_INT(nitro_sql_rollback(r), 0, "inner rollback");
	nitro_sql_begin(r);
	user_delete(nitro_id_int(id));
	T_EQ_INT(nitro_sql_commit(r), 0, "inner commit");
	T_EQ_STR(seen, "", "an inner commit still holds them");
	T_EQ_INT(nitro_sql_commit(r), 0, "outer commit");
	T_EQ_STR(seen, "user.saved:held@x user.deleted:held@x ",
	    "the commit sends them in order, without the rolled-back one");
	seen[0] = '\0';
	nitro_sql_begin(r);
	add_user("gone@x", NULL, NULL, 1);
	T_EQ_INT(nitro_sql_rollback(r), 0, "rollback");
	T_EQ_STR(seen, "", "a rollback drops them");
	add_user("after@x", NULL, NULL, 1);
	T_EQ_STR(seen, "user.saved:after@x ", "and the next change is sent at once again");
	nitro_entity_bind(&user_schema, r, NULL);
	nitro_bus_free(bus);
}

static void test_uow(void)
{
	nitro_repo *r = open_db(1, NULL);
	nitro_transport *t = nitro_sql_transport(r);
	size_t n;

	bind_all(r);
	T_EQ_INT(nitro_sql_begin(r), 0, "begin");
	add_user("t1@x", NULL, NULL, 1);
	add_user("t2@x", NULL, NULL, 2);
	T_EQ_INT(nitro_publish(t, "user.batch", "{\"n\":2}", NULL), 0, "append in tx");
	T_EQ_INT(peek("SELECT count(*) FROM user"), 0, "other connections see nothing yet");
	T_EQ_INT(nitro_sql_begin(r), 0, "nested begin");
	add_user("t3@x", NULL, NULL, 3);
	T_EQ_INT(nitro_sql_rollback(r), 0, "inner rollback");
	T_EQ_INT(add_user("t1@x", NULL, NULL, 9), -1, "a failed save inside a unit of work");
	T_EQ_INT(nitro_sql_commit(r), 0, "commit");
	user_count(NULL, &n);
	T_EQ_INT(n, 2, "the outer work committed, the inner was rolled back");
	T_EQ_INT(peek("SELECT count(*) FROM nitro_events WHERE topic='user.batch'"), 1,
	    "the event committed with it");
	T_EQ_INT(nitro_sql_commit(r), NITRO_EINVAL, "commit without begin");
	{
		/* Savepoints nest to a named limit (core/uow.h), then refuse. */
		int k, ok = 1;

		for (k = 0; k < NITRO__UOW_NEST_MAX; k++)
			ok &= nitro_sql_begin(r) == 0;
		T_OK(ok, "units of work nest NITRO__UOW_NEST_MAX deep");
		T_EQ_INT(nitro_sql_begin(r), NITRO_ELIMIT, "one more is refused");
		for (k = 0; k < NITRO__UOW_NEST_MAX; k++)
			ok &= nitro_sql_rollback(r) == 0;
		T_OK(ok, "and all of them roll back");
		T_EQ_INT(nitro_sql_rollback(r), NITRO_EINVAL, "then none is open");
	}
	nitro_sql_begin(r);
	add_user("t4@x", NULL, NULL, 4);
	nitro_publish(t, "user.gone", "{}", NULL);
	T_EQ_INT(nitro_sql_rollback(r), 0, "rollback");
	user_count(NULL, &n);
	T_EQ_INT(n, 2, "rolled back");
	T_EQ_INT(peek("SELECT count(*) FROM nitro_events WHERE topic='user.gone'"), 0,
	    "the event went with it (outbox)");
	{
		/* A follower that read everything before the rollback finds the
		 * next committed event: whatever id the rolled-back one had is
		 * never seen, and nothing after it is skipped. */
		nitro_sql_follower *f = nitro_sql_follow(r);
		nitro_tevent *ev = NULL;
		int64_t head = 0, id = 0;
		size_t k = 0;

		nitro_sql_events_head(r, &head);
		nitro_sql_begin(r);
		nitro_publish(t, "user.undone", "{}", NULL);
		nitro_sql_rollback(r);
		nitro_sql_begin(r);
		nitro_publish(t, "user.done", "{}", &id);
		T_EQ_INT(nitro_sql_follower_read(f, head, 10, &ev, &k), 0, "read before the commit");
		T_EQ_INT(k, 0, "an event inside an open transaction is not seen");
		nitro_tevents_free(ev, k);
		nitro_sql_commit(r);
		T_OK(id > head, "the event after a rollback gets an id past the head");
		T_EQ_INT(nitro_sql_follower_read(f, head, 10, &ev, &k), 0, "read after it");
		T_OK(k == 1 && ev[0].id == id && strcmp(ev[0].topic, "user.done") == 0,
		    "the follower sees the committed event, not the rolled-back one");
		nitro_tevents_free(ev, k);
		nitro_sql_follower_free(f);
	}
	T_EQ_INT(nitro_sql_begin(NULL), NITRO_EINVAL, "not a repository");
	test_uow_events(r);
	nitro_transport_free(t);
	nitro_repo_free(r);
}

/* True when fd turns readable within ms; reads it dry. */
static int fd_woke(int fd, int ms)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	char buf[4096];
	int r = poll(&p, 1, ms);

	while (read(fd, buf, sizeof buf) > 0)
		;
	return r == 1 && (p.revents & POLLIN);
}

/* The follower's descriptor wakes for commits of this process and of
 * another one, and the commit then shows to changed(). */
static void test_follower_fd(nitro_sql_follower *f)
{
	int fd = nitro_sql_follower_fd(f), changed = 0;
	pid_t pid;

	T_OK(fd >= 0, "a WAL database has a watch descriptor");
	T_EQ_INT(nitro_sql_follower_fd(f), fd, "the same one each time");
	T_EQ_INT(nitro_sql_follower_fd(NULL), NITRO_EINVAL, "no follower");
	fd_woke(fd, 0);
	T_OK(!fd_woke(fd, 50), "quiet while nothing is written");
	add_user("fd@x", NULL, NULL, 1);
	T_OK(fd_woke(fd, 2000), "a commit here wakes it");
	T_EQ_INT(nitro_sql_follower_changed(f), 1, "and shows");
	fflush(NULL);
	if ((pid = fork()) == 0) {
		sqlite3 *db;
		int rc = sqlite3_open(path, &db);

		if (rc == SQLITE_OK) {
			sqlite3_busy_timeout(db, 5000);
			rc = sqlite3_exec(db, "INSERT INTO nitro_events (topic, payload, time)"
			    " VALUES ('other.process', '{}', 0)", NULL, NULL, NULL);
		}
		sqlite3_close(db);
		_exit(rc == SQLITE_OK ? 0 : 1);
	}
	T_OK(pid > 0 && fd_woke(fd, 5000), "a commit in another process wakes it");
	{
		int st = 1;

		T_OK(pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
		    WEXITSTATUS(st) == 0, "the other process committed");
	}
	/* The wake may come just before the commit shows: look a few times. */
	for (int i = 0; i < 100 && !changed; i++) {
		changed = nitro_sql_follower_changed(f) == 1;
		if (!changed)
			usleep(1000);
	}
	T_OK(changed, "its commit shows to changed()");
}

static void test_events(void)
{
	struct nitro_sql_opts o = {.create_tables = 1, .log_changes = 1};
	nitro_repo *r = open_db(1, &o);
	nitro_transport *t = nitro_sql_transport(r);
	nitro_sql_follower *f;
	nitro_tevent *ev;
	size_t n, gone;
	int64_t id, uid;

	bind_all(r);
	f = nitro_sql_follow(r);
	T_OK(f != NULL, "follow");
	T_EQ_INT(nitro_sql_follower_changed(f), 0, "nothing new yet");
	uid = add_user("ev@x", "Eve", NULL, 5);
	T_EQ_INT(nitro_sql_follower_changed(f), 1, "a commit is noticed");
	T_EQ_INT(nitro_sql_follower_changed(f), 0, "once");
	T_EQ_INT(nitro_sql_follower_read(f, 0, 10, &ev, &n), 0, "read after 0");
	T_OK(n == 1 && strcmp(ev[0].topic, "user.saved") == 0, "the save logged user.saved");
	{
		struct json_object *j = n ? json_tokener_parse(ev[0].payload) : NULL, *v;

		T_OK(j && json_object_object_get_ex(j, "email", &v) &&
		    strcmp(json_object_get_string(v), "ev@x") == 0, "payload is the entity's JSON");
		json_object_put(j);
	}
	id = n ? ev[0].id : 0;
	nitro_tevents_free(ev, n);
	user_delete(nitro_id_int(uid));
	T_EQ_INT(nitro_publish(t, "custom.thing", "[1,2]", &id), 0, "append");
	T_EQ_INT(nitro_publish(t, "custom.thing", "{not json", NULL), NITRO_EPARSE,
	    "invalid JSON refused");
	T_EQ_INT(nitro_publish(t, "bad topic", "{}", NULL), NITRO_EINVAL,
	    "a topic with a space refused");
	T_EQ_INT(nitro_sql_events_after(r, 1, 100, &ev, &n), 0, "events after 1");
	T_OK(n == 2 && strcmp(ev[0].topic, "user.deleted") == 0 &&
	    strcmp(ev[0].payload, "{\"id\":1}") == 0 && ev[1].id == id &&
	    strcmp(ev[1].payload, "[1,2]") == 0, "deleted, then custom, in order");
	nitro_tevents_free(ev, n);
	T_EQ_INT(nitro_sql_events_after(r, 0, 2, &ev, &n), 0, "with a limit");
	T_EQ_INT(n, 2, "limit respected");
	nitro_tevents_free(ev, n);
	T_EQ_INT(nitro_sql_events_after(r, 0, 0, &ev, &n), NITRO_ELIMIT, "limit 0 refused");
	{
		/* A failed save logs nothing: the event is in its transaction. */
		add_user("ev@x", NULL, NULL, 1);
		add_user("ev@x", NULL, NULL, 1);
		T_EQ_INT(peek("SELECT count(*) FROM nitro_events"), 4, "one event per commit only");
	}
	for (int i = 0; i < 10; i++)
		nitro_publish(t, "fill", "{}", NULL);
	T_EQ_INT(nitro_sql_events_prune(r, 5, 0, &gone), 0, "prune by count");
	T_EQ_INT(gone, 9, "kept the newest five");
	T_EQ_INT(peek("SELECT min(id) FROM nitro_events"), 10, "the newest five remain");
	{
		sqlite3 *db;

		sqlite3_open(path, &db);
		sqlite3_exec(db, "UPDATE nitro_events SET time = time - 100000 WHERE id < 12",
		    NULL, NULL, NULL);
		sqlite3_close(db);
	}
	T_EQ_INT(nitro_sql_events_prune(r, 0, 50000, &gone), 0, "prune by age");
	T_EQ_INT(gone, 2, "the two old ones went");
	nitro_publish(t, "after", "{}", &id);
	T_EQ_INT(id, 15, "ids are never reused after pruning");
	nitro_sql_follower_changed(f);
	test_follower_fd(f);
	nitro_sql_follower_free(f);
	nitro_transport_free(t);
	nitro_repo_free(r);
}

static int write_file(const char *name, const char *text)
{
	char p[300];
	FILE *fp;

	snprintf(p, sizeof p, "%s/mig/%s", dir, name);
	if ((fp = fopen(p, "w")) == NULL)
		return -1;
	fputs(text, fp);
	return fclose(fp);
}

static void test_migrations(void)
{
	struct nitro_sql_opts plain = {0}, newer = {.code_version = 1};
	struct nitro_sql_status st;
	char mig[300], made[400];
	nitro_repo *r = open_db(1, &plain);
	size_t n;
	int64_t v;

	snprintf(mig, sizeof mig, "%s/mig", dir);
	mkdir(mig, 0755);
	T_EQ_INT(nitro_entity_bind(&tag_schema, r, NULL), NITRO_ENOTFOUND,
	    "without development mode a missing table is an error");
	T_OK(strstr(nitro_errmsg(), "nitro db migrate") != NULL, "which says what to do");
	write_file("0001_tags.sql", "CREATE TABLE tag (id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
	    " label TEXT UNIQUE);\n-- a comment\n");
	write_file("0002_seed.sql", "INSERT INTO tag(label) VALUES ('one');\n"
	    "INSERT INTO tag(label) VALUES ('two');");
	write_file("README", "not a migration");
	write_file("3_bad name.sql", "not a migration either");
	T_EQ_INT(nitro_sql_migrate_status(r, mig, &st), 0, "status");
	T_OK(st.db_version == 0 && st.latest == 2 && st.pending == 2, "two pending");
	T_EQ_INT(nitro_sql_migrate(r, mig, &n), 0, "migrate");
	T_EQ_INT(n, 2, "applied two");
	T_EQ_INT(nitro_entity_bind(&tag_schema, r, NULL), 0, "now the table exists");
	T_EQ_INT(peek("SELECT count(*) FROM tag"), 2, "the seed ran");
	T_EQ_INT(nitro_sql_migrate(r, mig, &n), 0, "migrate again");
	T_EQ_INT(n, 0, "nothing to do");
	write_file("0003_broken.sql", "INSERT INTO tag(label) VALUES ('three');\n\n"
	    "INSERT INTO nope VALUES (1);");
	T_EQ_INT(nitro_sql_migrate(r, mig, &n), NITRO_EINVAL, "a failing migration");
	T_OK(strstr(nitro_errmsg(), "0003_broken.sql:3") != NULL, "names the file and line");
	T_EQ_INT(peek("SELECT count(*) FROM tag"), 2, "and changed nothing");
	T_EQ_INT(peek("SELECT max(version) FROM nitro_migrations"), 2, "nor was recorded");
	write_file("0003_broken.sql", "COMMIT;");
	T_EQ_INT(nitro_sql_migrate(r, mig, &n), NITRO_EINVAL, "a migration may not commit");
	write_file("0003_broken.sql", "INSERT INTO tag(label) VALUES ('three');");
	T_EQ_INT(nitro_sql_migrate(r, mig, &n), 0, "fixed");
	T_EQ_INT(nitro_sql_migration_new(mig, "add_users", made, sizeof made), 0, "new");
	T_OK(strstr(made, "/0004_add_users.sql") != NULL, "numbered after the newest");
	T_EQ_INT(nitro_sql_migration_new(mig, "Bad Name", made, sizeof made), NITRO_EINVAL,
	    "a bad name refused");
	T_EQ_INT(nitro_sql_migration_new(mig, "../escape", made, sizeof made), NITRO_EINVAL,
	    "no path in a name");
	nitro_repo_free(r);

	/* The database is at 3 now: a program that knows only 1 is refused. */
	T_OK(nitro_sqlrepo_new(path, &newer) == NULL, "a database newer than the code");
	T_OK(strstr(nitro_errmsg(), "newer than this program") != NULL, "clear message");
	{
		char old[300];

		snprintf(old, sizeof old, "%s/old", dir);
		mkdir(old, 0755);
		r = open_db(0, &plain);
		T_EQ_INT(nitro_sql_migrate(r, old, &n), NITRO_EUNSUPPORTED,
		    "migrate from an older directory refused");
		T_OK(strstr(nitro_errmsg(), "newer than the newest") != NULL, "with a reason");
		v = 0;
		nitro_sql_migrate_status(r, mig, &st);
		v = st.db_version;
		T_EQ_INT(v, 3, "db version");
		nitro_repo_free(r);
	}
	{
		int64_t ver = 0;
		char nm[64];

		T_EQ_INT(nitro__sql_migration_name("0042_x-y_z.sql", &ver, nm, sizeof nm), 0,
		    "name parse");
		T_OK(ver == 42 && strcmp(nm, "x-y_z") == 0, "version and name");
		T_EQ_INT(nitro__sql_migration_name("0000_zero.sql", &ver, nm, sizeof nm),
		    NITRO_EPARSE, "version 0 refused");
		T_EQ_INT(nitro__sql_migration_name("1234567890123456789_big.sql", &ver, nm,
		    sizeof nm), NITRO_EPARSE, "19 digits refused");
		T_EQ_INT(nitro__sql_migration_name("12_a.sql.bak", &ver, nm, sizeof nm),
		    NITRO_EPARSE, "only .sql");
		T_EQ_INT(nitro__sql_migration_name("12_.sql", &ver, nm, sizeof nm),
		    NITRO_EPARSE, "a name is needed");
	}
}

static void *hold_lock(void *arg)
{
	sqlite3 *db;

	(void)arg;
	sqlite3_open(path, &db);
	sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	usleep(600 * 1000);
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	sqlite3_close(db);
	return NULL;
}

/* Calls from a thread that has no connection yet, so each one opens. */
struct fresh_thread {
	nitro_repo *r;
	int begin, begin_code, read, count;
};

static void *calls_on_a_fresh_thread(void *arg)
{
	struct fresh_thread *t = arg;
	nitro_tevent *ev = NULL;
	size_t n;

	t->begin = nitro_sql_begin(t->r);
	t->begin_code = nitro_errcode();
	t->read = nitro_sql_events_after(t->r, 0, 10, &ev, &n);
	t->count = user_count(NULL, &n);
	return NULL;
}

/*
 * A connection that cannot be opened is an I/O error, whatever the call
 * that needed it: the code of the open goes up, not a guessed
 * NITRO_EINVAL (nitro_sql_begin, the event log) or NITRO_EIO.
 */
static void test_open_failure_code(void)
{
	char sub[100], cmd[200];
	struct fresh_thread t = {0};
	pthread_t th;

	snprintf(sub, sizeof sub, "%s/gone", dir);
	mkdir(sub, 0700);
	snprintf(path, sizeof path, "%s/gone.db", sub);
	t.r = open_db(0, NULL);
	T_OK(t.r != NULL && nitro_entity_bind(&user_schema, t.r, NULL) == 0,
	    "open a database, then lose its folder");
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", sub);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", sub);
	pthread_create(&th, NULL, calls_on_a_fresh_thread, &t);
	pthread_join(th, NULL);
	T_EQ_INT(t.begin, NITRO_EIO, "begin: the connection could not open");
	T_EQ_INT(t.begin_code, NITRO_EIO, "nitro_errcode() says the same");
	T_EQ_INT(t.read, NITRO_EIO, "reading the event log: the open's code");
	T_EQ_INT(t.count, NITRO_EIO, "count through the repository: the open's code");
	nitro_repo_free(t.r);
}

static void test_errors(void)
{
	struct nitro_sql_opts ro = {.readonly = 1}, quick = {.create_tables = 1,
	    .busy_timeout_ms = 100}, patient = {.create_tables = 1, .busy_timeout_ms = 3000};
	nitro_repo *r = open_db(1, NULL);
	pthread_t th;
	int rc;

	bind_all(r);
	add_user("e@x", NULL, NULL, 1);
	T_EQ_INT(add_user("e@x", NULL, NULL, 2), -1, "unique");
	T_OK(strstr(nitro_errmsg(), "email") != NULL, "unique violation names the field");
	nitro_repo_free(r);

	r = open_db(0, &ro);
	T_OK(r != NULL, "open read-only");
	nitro_entity_bind(&user_schema, r, NULL);
	{
		struct user u;

		T_EQ_INT(user_get(nitro_id_int(1), &u), 0, "reads work read-only");
		user_clear(&u);
	}
	T_EQ_INT(add_user("f@x", NULL, NULL, 1), -1, "a write to a read-only database fails");
	T_OK(strstr(nitro_errmsg(), "read-only") != NULL, "with a clear message");
	nitro_repo_free(r);

	/* Busy: another connection holds the write lock for 600 ms. */
	r = open_db(0, &quick);
	bind_all(r);
	pthread_create(&th, NULL, hold_lock, NULL);
	usleep(150 * 1000);
	rc = (int)add_user("g@x", NULL, NULL, 1);
	T_EQ_INT(rc, -1, "a lock held past busy_timeout fails");
	T_OK(strstr(nitro_errmsg(), "locked") != NULL, "as busy, clearly");
	pthread_join(th, NULL);
	nitro_repo_free(r);
	r = open_db(0, &patient);
	bind_all(r);
	pthread_create(&th, NULL, hold_lock, NULL);
	usleep(150 * 1000);
	T_OK(add_user("h@x", NULL, NULL, 1) > 0, "a lock released within busy_timeout is waited out");
	pthread_join(th, NULL);
	nitro_repo_free(r);

	/* Not a database at all. */
	{
		char junk[300];
		int fd;

		snprintf(junk, sizeof junk, "%s/junk.db", dir);
		fd = open(junk, O_CREAT | O_WRONLY | O_TRUNC, 0644);
		for (int i = 0; i < 64; i++)
			if (write(fd, "this is not an SQLite database at all....", 40) != 40)
				break;
		close(fd);
		nitro_error_clear();
		T_OK(nitro_sqlrepo_new(junk, NULL) == NULL, "a file that is not a database");
		T_OK(strstr(nitro_errmsg(), "corrupt or not a database") != NULL, "clear error");
		T_EQ_INT(nitro_errcode(), NITRO_EIO, "and nitro_errcode() says NITRO_EIO");
	}
}

/* nitro_repo_ping: the database answers while its file is there; a
 * deleted or replaced file is reported, though the open connection
 * would go on reading it. */
static void test_ping(void)
{
	nitro_repo *r = open_db(1, NULL);
	char moved[300];

	T_EQ_INT(nitro_repo_ping(r), 0, "ping: an open database answers");
	snprintf(moved, sizeof moved, "%s.moved", path);
	T_OK(rename(path, moved) == 0, "ping: the file is moved away");
	T_EQ_INT(nitro_repo_ping(r), NITRO_EIO, "ping: a database file gone fails");
	T_OK(strstr(nitro_errmsg(), path) != NULL, "ping: the message names the file");
	T_OK(rename(moved, path) == 0, "ping: the file is back");
	T_EQ_INT(nitro_repo_ping(r), 0, "ping: answers again");
	nitro_repo_free(r);
	T_EQ_INT(nitro_repo_ping(NULL), NITRO_EINVAL, "ping: no repository");
}

int main(void)
{
	char cmd[200];

	nitro_log_set_level(NITRO_LOG_OFF);
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_settings();
	test_injection();
	test_trees();
	test_relations();
	test_uow();
	test_events();
	test_migrations();
	test_errors();
	test_open_failure_code();
	test_ping();
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", dir);
	return t_done();
}
