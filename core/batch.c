/*
 * The batch put of the database stores (sql/, pg/): the checks before it
 * and the ids given back after a failed attempt.
 */
#include <stdlib.h>
#include <string.h>

#include "core/batch.h"
#include "core/error.h"
#include "core/repo.h"

static int cmp_int64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Does the batch name one id twice?  Sorting a copy of the ids keeps a
 * batch of ten thousand cheap.  -1: out of memory. */
static int same_id_twice(const nitro_field *idf, void *const *objs, size_t n)
{
	size_t k = 0, i;
	int dup = 0;

	if (idf->uuid) {
		char **v = malloc(n * sizeof *v);

		if (v == NULL)
			return -1;
		for (i = 0; i < n; i++)
			if (NITRO__ID_TEXT(idf, objs[i]) && *NITRO__ID_TEXT(idf, objs[i]))
				v[k++] = NITRO__ID_TEXT(idf, objs[i]);
		qsort(v, k, sizeof *v, cmp_str);
		for (i = 1; i < k && !dup; i++)
			dup = strcmp(v[i - 1], v[i]) == 0;
		free(v);
	} else {
		int64_t *v = malloc(n * sizeof *v);

		if (v == NULL)
			return -1;
		for (i = 0; i < n; i++)
			if (NITRO__ID_INT(idf, objs[i]) != 0)
				v[k++] = NITRO__ID_INT(idf, objs[i]);
		qsort(v, k, sizeof *v, cmp_int64);
		for (i = 1; i < k && !dup; i++)
			dup = v[i - 1] == v[i];
		free(v);
	}
	return dup;
}

int nitro__batch_start(const nitro_schema *s, const nitro_field *idf, void *const *objs,
    size_t n, struct nitro__idsave *few, struct nitro__idsave **sv)
{
	int rc;

	*sv = few;
	if (n > 1 && (rc = same_id_twice(idf, objs, n)) != 0)
		return rc < 0 ? nitro__oom(NULL) :
		    nitro_error(NITRO_EEXIST, "%s: the batch holds one id twice", s->name);
	if (n > NITRO__BATCH_FEW && (*sv = calloc(n, sizeof **sv)) == NULL) {
		*sv = few;
		return nitro__oom(NULL);
	}
	if (n <= NITRO__BATCH_FEW)
		memset(few, 0, NITRO__BATCH_FEW * sizeof *few);
	return 0;
}

void nitro__batch_ids_back(const nitro_field *idf, void *const *objs, size_t tried,
    struct nitro__idsave *sv, int failed)
{
	for (size_t i = 0; i < tried; i++) {
		if (failed && !idf->uuid)
			NITRO__ID_INT(idf, objs[i]) = sv[i].num;
		if (sv[i].fresh) {
			if (failed) {
				NITRO__ID_TEXT(idf, objs[i]) = sv[i].text;
				free(sv[i].fresh);
			} else {
				free(sv[i].text);
			}
		}
		sv[i].fresh = sv[i].text = NULL;
	}
}

void nitro__batch_done(struct nitro__idsave *few, struct nitro__idsave *sv)
{
	if (sv != few)
		free(sv);
}
