/* Internal: building a log line piece by piece (the access log uses it). */
#ifndef NITRO_CORE_LOG_H
#define NITRO_CORE_LOG_H

#include "nitro/core.h"

/* Start a line: ts, level and msg.  line may start on a stack array. */
void nitro_log_begin(nitro_buf *line, int level, const char *msg);
/* Add the newline and write the line with one write(2). */
void nitro_log_end(nitro_buf *line);

/* Bytes of one value written to a log line; a longer value is cut at a
 * character, ends in "..." and is followed by key_bytes=<its length>. */
#define NITRO__LOG_VALUE_MAX 1024

/* nitro_log_kv with a tighter bound than NITRO__LOG_VALUE_MAX. */
void nitro__log_kv_max(nitro_buf *line, const char *key, const char *v, size_t n,
    size_t max);

#endif
