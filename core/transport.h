/* Internal: the local hub's wake-up hook on a transport. */
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

void nitro__transport_on_publish(nitro_transport *t, void (*wake)(void *), void *arg);

#endif
