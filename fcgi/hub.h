/* Internal: the stream hub (hub.c) as the runtime uses it. */
#ifndef NITRO_FCGI_HUB_H
#define NITRO_FCGI_HUB_H

#include "fcgi/internal.h"

typedef struct nitro_hub nitro_hub;

nitro_hub *nitro__hub_new(nitro_app *app, const struct nitro_hub_opts *o,
    nitro_transport *t);
int nitro__hub_start(nitro_hub *h);
/* Wait for the hub thread (after the app started stopping). */
void nitro__hub_join(nitro_hub *h);
void nitro__hub_free(nitro_hub *h);

/* Count a stream against max_streams before its response starts. */
int nitro__hub_reserve(nitro_hub *h);
void nitro__hub_unreserve(nitro_hub *h);
int nitro__hub_full(nitro_hub *h);	/* holds max_streams (accept threads) */
int nitro__hub_head(nitro_hub *h, int64_t *id);
/* The event log's epoch as the hub last saw it (0: none); any thread. */
int64_t nitro__hub_epoch(nitro_hub *h);
/* For health checks, from any thread: when the hub's loop last turned
 * (CLOCK_MONOTONIC ms) and the newest event id it has read.  -1 when the
 * hub has not started. */
int nitro__hub_progress(nitro_hub *h, int64_t *beat_ms, int64_t *read_id);
/* Hand a reserved stream's socket to the hub: events with id > after,
 * checking for a gap when (epoch, after) came from Last-Event-ID (an
 * epoch other than the log's is always a gap).  pending holds framed
 * bytes to write first (may be empty); on success the hub takes its
 * memory and leaves it empty. */
int nitro__hub_park(nitro_hub *h, int fd, int request_id,
    const struct nitro_live_opts *o, int64_t epoch, int64_t after, int check_gap,
    nitro_buf *pending);
void nitro__hub_stats(nitro_hub *h, struct nitro_hub_stats *st);

#endif
