/*
 * Helpers for the PostgreSQL tests (tests/pg/): the server's URL from
 * $PG_URL (tests/pg/test_pg.sh starts a throwaway cluster and sets it), and
 * a fresh, empty schema per repository so that every test starts from
 * nothing on one cluster.
 */
#ifndef NITRO_TESTS_PG_TEST_H
#define NITRO_TESTS_PG_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "nitro/pg.h"

/* $PG_URL, or exit with a TAP skip when it is not set. */
static inline const char *pgt_url(void)
{
	const char *url = getenv("PG_URL");

	if (url == NULL || *url == '\0') {
		printf("1..0 # SKIP PG_URL is not set (run through tests/pg/test_pg.sh)\n");
		exit(0);
	}
	return url;
}

/* Run sql on a connection of its own; 0 or -1 (printed). */
static inline int pgt_sql(const char *url, const char *sql)
{
	PGconn *pg = PQconnectdb(url);
	PGresult *res = PQexec(pg, sql);
	int ok = PQresultStatus(res) == PGRES_COMMAND_OK ||
	    PQresultStatus(res) == PGRES_TUPLES_OK;

	if (!ok)
		printf("# %s: %s", sql, PQerrorMessage(pg));
	PQclear(res);
	PQfinish(pg);
	return ok ? 0 : -1;
}

/* A new schema named name, and the URL whose search_path is it. */
static inline int pgt_schema(const char *url, const char *name, char *out, size_t cap)
{
	char sql[200];

	snprintf(sql, sizeof sql, "SET client_min_messages=warning; DROP SCHEMA IF EXISTS \"%s\" CASCADE; CREATE SCHEMA \"%s\"",
	    name, name);
	if (pgt_sql(url, sql) < 0)
		return -1;
	snprintf(out, cap, "%s%soptions=-csearch_path%%3D%s", url,
	    strchr(url, '?') ? "&" : "?", name);
	return 0;
}

#endif
