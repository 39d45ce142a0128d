/*
 * The repository conformance suite: one set of behaviours every backend
 * must show, run through the public entity API.  A backend's test program
 * passes a factory for fresh, empty repositories and its TAP check
 * function (t_check from tests/unit/t.h), and the suite reports into that
 * program's plan:
 *
 *   static nitro_repo *make(void *arg) { return nitro_memrepo_new(NULL); }
 *   struct repo_conformance rc = {"memory", make, NULL, t_check};
 *   repo_conformance_run(&rc);
 */
#ifndef NITRO_TESTS_REPO_CONFORMANCE_H
#define NITRO_TESTS_REPO_CONFORMANCE_H

#include "nitro/core.h"

struct repo_conformance {
	const char *name;			/* prefixes every check name */
	nitro_repo *(*make)(void *arg);		/* a new, empty repository */
	void *arg;
	int (*check)(int ok, const char *name, const char *file, int line);
};

/* Runs every check; returns the number that failed. */
int repo_conformance_run(const struct repo_conformance *rc);

#endif
