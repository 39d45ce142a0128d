/*
 * Internal: the event log on PostgreSQL (events.c), its followers
 * (follow.c) and the transport made of them (transport.c).
 */
#ifndef NITRO_PG_EVENTS_H
#define NITRO_PG_EVENTS_H

#include "pg/conn.h"

/* The channel publishers NOTIFY and followers LISTEN on. */
#define NITRO__PG_CHANNEL "nitro_events"
/* Reads of the log: at most this many events at a time. */
#define PG_EVENTS_READ_MAX 10000

/* Make the log's tables if they are missing, and draw its epoch once. */
int nitro__pg_events_setup(nitro_repo *r);
/* Append on c inside the transaction the caller holds open (an outbox),
 * after taking the publishers' lock: see events.c. */
int nitro__pg_events_append(struct pgconn *c, const char *topic, const char *json,
    size_t len, int64_t *id);
/*
 * The transport's operations (struct nitro_transport_ops), typed as the
 * table wants them: self is the repository (a nitro_repo *), reader a
 * follower (follow.c), which has a connection of its own, LISTENing.
 */
int nitro__pg_events_head(void *self, int64_t *id);
void *nitro__pg_follow(void *self);
int nitro__pg_follower_changed(void *reader);
int nitro__pg_follower_read(void *reader, int64_t after, size_t limit,
    nitro_tevent **out, size_t *n);
int nitro__pg_follower_fd(void *reader);
int64_t nitro__pg_follower_epoch(void *reader);
int nitro__pg_follower_floor(void *reader, int64_t *floor);
void nitro__pg_follower_free(void *reader);

/*
 * Tests only: publish without the ordering lock (process-wide), so that a
 * test can show it catches a follower passing an id that commits later.
 * No option, no environment variable reaches it: only programs linked
 * with the internal library (libnitro_all.la) can call it.
 */
void nitro__pg_events_unordered(int on);

#endif
