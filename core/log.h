/* Internal: building a log line piece by piece (the access log uses it). */
#ifndef NITRO_CORE_LOG_H
#define NITRO_CORE_LOG_H

#include "nitro/core.h"

/* Start a line: ts, level and msg.  line may start on a stack array. */
void nitro_log_begin(nitro_buf *line, int level, const char *msg);
/* Add the newline and write the line with one write(2). */
void nitro_log_end(nitro_buf *line);

#endif
