/*
 * Error codes and the per-thread last error: a code and its message, set
 * together by nitro_error() and cleared together by nitro_error_clear()
 * (the rule is in core.h).
 */
#include <stdio.h>
#include <stdarg.h>

#include "core/error.h"

static _Thread_local int last_code;
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
	case NITRO_EUNAVAILABLE: return "service unavailable";
	}
	return "unknown error";
}

int nitro_errcode(void)
{
	return last_code;
}

const char *nitro_errmsg(void)
{
	return last_msg[0] ? last_msg : "no error";
}

int nitro_error(int err, const char *fmt, ...)
{
	va_list ap;

	last_code = err;
	va_start(ap, fmt);
	vsnprintf(last_msg, sizeof last_msg, fmt, ap);
	va_end(ap);
	return err;
}

void nitro_error_clear(void)
{
	last_code = 0;
	last_msg[0] = '\0';
}

int nitro__oom(const char *what)
{
	const char *msg = nitro_strerror(NITRO_ENOMEM);

	return what ? nitro_error(NITRO_ENOMEM, "%s: %s", what, msg) :
	    nitro_error(NITRO_ENOMEM, "%s", msg);
}

int nitro__error_wrap(int err, const char *what)
{
	char why[sizeof last_msg];

	/* A copy: the message cannot be formatted into itself. */
	snprintf(why, sizeof why, "%s", last_msg);
	return nitro_error(err, "%s: %s", what, why);
}

int nitro__errcode(void)
{
	if (last_code < 0)
		return last_code;
	return nitro_error(NITRO_EINTERNAL, "a call failed without saying why");
}
