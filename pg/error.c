/*
 * PostgreSQL failures to NITRO_E* codes, by SQLSTATE: one table, matched
 * by the longest prefix (a class is its first two characters).  The
 * message names the column where the server says which one (a unique
 * violation's detail, "Key (name)=(...) already exists.").
 */
#include <stdio.h>
#include <string.h>

#include "pg/internal.h"

static const struct {
	const char *state;	/* a SQLSTATE or its class */
	int code;
	const char *say;	/* NULL: the server's message */
} states[] = {
	{"23505", NITRO_EEXIST, "is already taken"},		/* unique_violation */
	{"23503", NITRO_ECONSTRAINT, NULL},			/* foreign_key_violation */
	{"23502", NITRO_ECONSTRAINT, "is required"},		/* not_null_violation */
	{"23", NITRO_ECONSTRAINT, NULL},			/* integrity constraints */
	{"40001", NITRO_EBUSY, "serialization failure; try again"},
	{"40P01", NITRO_EBUSY, "deadlock detected; try again"},
	{"57014", NITRO_EBUSY, "the statement took longer than statement_timeout"},
	{"55P03", NITRO_EBUSY, NULL},				/* lock_not_available */
	{"53300", NITRO_EUNAVAILABLE, "the server has no connection slot left"},
	{"08", NITRO_EUNAVAILABLE, NULL},			/* connection exceptions */
	{"57P01", NITRO_EUNAVAILABLE, "the server is shutting down"},	/* admin_shutdown */
	{"57P02", NITRO_EUNAVAILABLE, "the server crashed"},		/* crash_shutdown */
	{"57P03", NITRO_EUNAVAILABLE, "the server is starting up"},	/* cannot_connect_now */
	{"53", NITRO_EIO, NULL},				/* insufficient resources */
	{"22001", NITRO_ELIMIT, NULL},				/* string too long */
	{"22", NITRO_EINVAL, NULL},				/* data exceptions */
	{"42P01", NITRO_ENOTFOUND, NULL},			/* undefined_table */
	{"42", NITRO_EINVAL, NULL},				/* syntax, access */
	{"25P02", NITRO_EINVAL, "the transaction failed earlier; roll it back"},
};

static int lookup(const char *state)
{
	for (size_t i = 0; state && i < sizeof states / sizeof states[0]; i++)
		if (strncmp(state, states[i].state, strlen(states[i].state)) == 0)
			return (int)i;
	return -1;
}

int nitro__pg_retryable(const PGresult *res)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;

	return state && (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0);
}

/* "Key (name)=(x) already exists." -> "name" into col. */
static int key_column(const char *detail, char *col, size_t cap)
{
	const char *p, *e;

	if (detail == NULL || (p = strstr(detail, "Key (")) == NULL)
		return 0;
	p += 5;
	if ((e = strstr(p, ")=")) == NULL || (size_t)(e - p) >= cap)
		return 0;
	memcpy(col, p, (size_t)(e - p));
	col[e - p] = '\0';
	return 1;
}

int nitro__pg_error(PGconn *pg, const PGresult *res, const char *what)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	const char *column = res ? PQresultErrorField(res, PG_DIAG_COLUMN_NAME) : NULL;
	char col[80], text[300];
	int i;

	if (msg == NULL) {
		/* No result from the server: libpq's own message. */
		snprintf(text, sizeof text, "%s", pg ? PQerrorMessage(pg) : "no connection");
		text[strcspn(text, "\n")] = '\0';
		msg = text;
	}
	if (pg != NULL && PQstatus(pg) != CONNECTION_OK && (state == NULL || lookup(state) < 0 ||
	    states[lookup(state)].code != NITRO_EUNAVAILABLE))
		return nitro_error(NITRO_EUNAVAILABLE, "the database connection was lost: %s", msg);
	if (state == NULL)
		return res == NULL && pg == NULL ? nitro__oom(what) :
		    nitro_error(NITRO_EIO, "%s: %s", what, msg);
	if ((i = lookup(state)) < 0)
		return nitro_error(NITRO_EIO, "%s: %s (SQLSTATE %s)", what, msg, state);
	if (states[i].code == NITRO_EEXIST && key_column(
	    PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL), col, sizeof col))
		return nitro_error(NITRO_EEXIST, "%s: %s", col, states[i].say);
	if (strcmp(states[i].state, "23502") == 0 && column)
		return nitro_error(NITRO_ECONSTRAINT, "%s: %s", column, states[i].say);
	if (states[i].code == NITRO_EUNAVAILABLE)
		return nitro_error(NITRO_EUNAVAILABLE, "the database is unavailable: %s",
		    states[i].say ? states[i].say : msg);
	return nitro_error(states[i].code, "%s: %s", what, states[i].say ? states[i].say : msg);
}
