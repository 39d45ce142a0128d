/* Error codes and the per-thread last error message. */
#include <stdio.h>
#include <stdarg.h>

#include "nitro/core.h"

static _Thread_local char last_msg[512];

const char *nitro_strerror(int err)
{
	switch (err) {
	case NITRO_OK: return "success";
	case NITRO_ENOMEM: return "out of memory";
	case NITRO_EINVAL: return "invalid argument";
	case NITRO_ELIMIT: return "limit exceeded";
	case NITRO_EPARSE: return "malformed input";
	case NITRO_ENOTFOUND: return "not found";
	case NITRO_EIO: return "input/output error";
	case NITRO_EEXIST: return "already exists";
	case NITRO_EVETO: return "vetoed by an event handler";
	case NITRO_EUNSUPPORTED: return "unsupported";
	case NITRO_ECLOSED: return "connection closed";
	case NITRO_EBUSY: return "busy";
	case NITRO_EVALIDATE: return "validation failed";
	case NITRO_ECONSTRAINT: return "constraint failed";
	case NITRO_EINTERNAL: return "internal error";
	}
	return "unknown error";
}

const char *nitro_errmsg(void)
{
	return last_msg[0] ? last_msg : "no error";
}

int nitro_error(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_msg, sizeof last_msg, fmt, ap);
	va_end(ap);
	return err;
}
