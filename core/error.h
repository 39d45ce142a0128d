/* Internal: helpers that keep an error's code and message together. */
#ifndef NITRO_CORE_ERROR_H
#define NITRO_CORE_ERROR_H

#include "nitro/core.h"

/*
 * The one "out of memory" error: records NITRO_ENOMEM with the message
 * "what: out of memory" ("out of memory" when what is NULL) and returns
 * NITRO_ENOMEM.
 */
int nitro__oom(const char *what);

/*
 * The code to pass on after a callee returned NULL (or failed otherwise
 * without returning a code): nitro_errcode(), which the callee set.  A
 * callee that failed without setting one is a bug; that is recorded and
 * returned as NITRO_EINTERNAL, never as success.
 */
int nitro__errcode(void);

/*
 * Record err with the message "what: <the last message>", so that a
 * caller can say where a callee's failure happened; returns err.
 */
int nitro__error_wrap(int err, const char *what);

#endif
