/* Internal: a batch put of a store that writes through a database
 * (batch.c): all or nothing, so that a failed batch gives the callers'
 * ids back as they were. */
#ifndef NITRO_CORE_BATCH_H
#define NITRO_CORE_BATCH_H

#include <stddef.h>
#include <stdint.h>

#include "nitro/core.h"

/* Per record: what its put replaced of the caller's id. */
struct nitro__idsave {
	int64_t num;	/* the caller's integer id before the save */
	char *text;	/* the caller's text id, when a new one replaced it */
	char *fresh;	/* that new one (the record's id now) */
};

/* Batches of up to this many keep their saves on the stack. */
#define NITRO__BATCH_FEW 8

/*
 * Before a batch of n records of s (id field idf): refuses a batch that
 * names one id twice (NITRO_EEXIST; the memory repository says so too,
 * where an upsert would silently keep the last copy), and points *sv at
 * n zeroed saves: few (NITRO__BATCH_FEW of them) or allocated, for
 * nitro__batch_done().
 */
int nitro__batch_start(const nitro_schema *s, const nitro_field *idf, void *const *objs,
    size_t n, struct nitro__idsave *few, struct nitro__idsave **sv);
/* After an attempt that put the first tried records: when it failed, give
 * them their ids back; either way forget what sv held (a retry starts
 * again). */
void nitro__batch_ids_back(const nitro_field *idf, void *const *objs, size_t tried,
    struct nitro__idsave *sv, int failed);
void nitro__batch_done(struct nitro__idsave *few, struct nitro__idsave *sv);

#endif
