/*
 * Internal: a transport's operations as functions for the one reader of
 * this process (the hub), and the local hub's wake-up hook.
 */
#ifndef NITRO_CORE_TRANSPORT_H
#define NITRO_CORE_TRANSPORT_H

#include "nitro/core.h"

struct nitro_transport {
	const struct nitro_transport_ops *ops;
	void *self;
	/* Called after every successful publish in this process, so that
	 * the hub reads at once instead of at its next poll. */
	void (*wake)(void *arg);
	void *wake_arg;
};

/* The recent events of one process, retain of them (memtransport.c). */
nitro_transport *nitro__mem_transport_new(size_t retain);

/* Limits of every transport's events, named once. */
#define NITRO__TOPIC_MAX 200
#define NITRO__PAYLOAD_MAX (1 << 20)
/* 0 when topic is 1 to NITRO__TOPIC_MAX printable bytes without spaces,
 * else NITRO_EINVAL with a message. */
int nitro__topic_check(const char *topic);

void nitro__transport_on_publish(nitro_transport *t, void (*wake)(void *), void *arg);

/* The newest id (0 when there is none).  Any thread. */
int nitro__transport_head(nitro_transport *t, int64_t *id);

/* A reader of a transport, owned by one thread. */
struct nitro_treader {
	nitro_transport *t;
	void *self;		/* what ops->follow returned; NULL: not following */
};

/* Start reading t: 0, or NITRO_EIO (the transport's message says why). */
int nitro__treader_open(struct nitro_treader *r, nitro_transport *t);
/* Stop reading (nothing when not reading). */
void nitro__treader_close(struct nitro_treader *r);
/* Cheap: 1 when events may have been published since the last call. */
int nitro__treader_changed(struct nitro_treader *r);
/* Up to limit events with id > after, in id order (nitro_tevents_free). */
int nitro__treader_read(struct nitro_treader *r, int64_t after, size_t limit,
    nitro_tevent **out, size_t *n);
/* A descriptor readable when events may have been published, or -1. */
int nitro__treader_watch_fd(struct nitro_treader *r);
/* The log's epoch as the reader last read it; 0: none. */
int64_t nitro__treader_epoch(struct nitro_treader *r);
/* The retention floor: 0 with *floor set; 1 when the transport has none
 * (it has no holes); a negative NITRO_E* when it cannot be read. */
int nitro__treader_floor(struct nitro_treader *r, int64_t *floor);

#endif
