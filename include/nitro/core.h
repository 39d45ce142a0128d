/*
 * <nitro/core.h>: errors, memory (arenas and growable buffers), logging.
 *
 * Functions that can fail return 0 or a negative NITRO_E* code and leave a
 * message for the calling thread in nitro_errmsg().  Nothing here calls
 * exit() or abort() on bad input.
 */
#ifndef NITRO_CORE_H
#define NITRO_CORE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define NITRO_API __attribute__((visibility("default")))
#define NITRO_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define NITRO_NODISCARD __attribute__((warn_unused_result))
#else
#define NITRO_API
#define NITRO_PRINTF(f, a)
#define NITRO_NODISCARD
#endif

/* ---- errors ---------------------------------------------------------- */

enum nitro_error {
	NITRO_OK = 0,
	NITRO_ENOMEM = -1,	/* out of memory */
	NITRO_EINVAL = -2,	/* invalid argument from the program */
	NITRO_ELIMIT = -3,	/* input larger than a configured limit */
	NITRO_EPARSE = -4,	/* malformed input */
	NITRO_ENOTFOUND = -5,	/* no such record, route, key */
	NITRO_EIO = -6,		/* system or peer I/O failure */
	NITRO_EEXIST = -7,	/* already exists / unique violation */
	NITRO_EVETO = -8,	/* an event handler refused the action */
	NITRO_EUNSUPPORTED = -9,/* unsupported media type or feature */
	NITRO_ECLOSED = -10,	/* the peer has gone (stream closed) */
	NITRO_EBUSY = -11,	/* resource busy, queue full */
	NITRO_EVALIDATE = -12,	/* validation failed */
	NITRO_ECONSTRAINT = -13,/* a constraint (foreign key, ...) failed */
	NITRO_EINTERNAL = -14	/* a bug or an impossible state */
};

/* A static description of an error code ("out of memory"). */
NITRO_API const char *nitro_strerror(int err);

/* The calling thread's last error message; never NULL. */
NITRO_API const char *nitro_errmsg(void);

/* Record a message for the calling thread and return err (negative). */
NITRO_API int nitro_error(int err, const char *fmt, ...) NITRO_PRINTF(2, 3);

/* ---- arenas ---------------------------------------------------------- */

/*
 * An arena hands out memory that is released all at once.  Each request
 * owns one; nitro_arena_reset() keeps the first block so that a request
 * that fits in it allocates nothing from the system.
 */
typedef struct nitro_arena nitro_arena;

NITRO_API nitro_arena *nitro_arena_new(size_t block_size);
NITRO_API void nitro_arena_free(nitro_arena *a);
NITRO_API void nitro_arena_reset(nitro_arena *a);
/* 16-byte aligned; NULL (with nitro_errmsg) on overflow or exhaustion. */
NITRO_API void *nitro_arena_alloc(nitro_arena *a, size_t n);
/* n objects of size sz, overflow-checked. */
NITRO_API void *nitro_arena_calloc(nitro_arena *a, size_t n, size_t sz);
/* A NUL-terminated copy of s[0..n). */
NITRO_API char *nitro_arena_strndup(nitro_arena *a, const char *s, size_t n);
NITRO_API char *nitro_arena_strdup(nitro_arena *a, const char *s);
/* Bytes currently handed out (for limits and tests). */
NITRO_API size_t nitro_arena_used(const nitro_arena *a);

/* ---- growable buffers -------------------------------------------------- */

/*
 * A byte buffer with a sticky error: once an append fails (out of memory
 * or over max), err is set and further appends do nothing, so writers can
 * append freely and check once at the end.  data is always NUL-terminated
 * when cap > 0.
 */
typedef struct nitro_buf {
	char *data;
	size_t len;
	size_t cap;
	size_t max;	/* 0: no limit */
	int err;	/* 0 or the first NITRO_E* that happened */
	int borrowed;	/* data is caller storage: copied out, never freed */
} nitro_buf;

#define NITRO_BUF_INIT {NULL, 0, 0, 0, 0, 0}

NITRO_API void nitro_buf_init(nitro_buf *b, size_t max);
/* Start on caller storage (a stack array, say); the first growth past
 * cap moves the bytes to the heap.  cap must be at least 1. */
NITRO_API void nitro_buf_init_on(nitro_buf *b, char *mem, size_t cap, size_t max);
NITRO_API void nitro_buf_free(nitro_buf *b);
/* Empty the buffer and clear its error; the allocation is kept. */
NITRO_API void nitro_buf_reset(nitro_buf *b);
/* Make room for extra more bytes; 0 or a negative NITRO_E*. */
NITRO_API int nitro_buf_grow(nitro_buf *b, size_t extra);
NITRO_API int nitro_buf_printf(nitro_buf *b, const char *fmt, ...) NITRO_PRINTF(2, 3);
NITRO_API int nitro_buf_vprintf(nitro_buf *b, const char *fmt, va_list ap) NITRO_PRINTF(2, 0);
/* Detach the bytes (caller frees with free()); the buffer becomes empty. */
NITRO_API char *nitro_buf_steal(nitro_buf *b, size_t *len);

/* Appends are inline: they are the inner loop of every writer. */
static inline int nitro_buf_append(nitro_buf *b, const void *p, size_t n)
{
	if (b->err)
		return b->err;
	if (n >= b->cap - b->len) {	/* room for n bytes and the NUL */
		int rc = nitro_buf_grow(b, n);
		if (rc)
			return rc;
	}
	__builtin_memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

static inline int nitro_buf_puts(nitro_buf *b, const char *s)
{
	return nitro_buf_append(b, s, __builtin_strlen(s));
}

static inline int nitro_buf_putc(nitro_buf *b, char c)
{
	return nitro_buf_append(b, &c, 1);
}

/* ---- logging ----------------------------------------------------------- */

/*
 * Logs are logfmt lines on stderr:
 *   ts=2026-11-21T10:00:00.123Z level=info msg="listening" addr=unix:/run/x
 * Each line is written with one write(2), so lines from threads and
 * processes do not interleave.
 */
enum nitro_log_level {
	NITRO_LOG_DEBUG = 0,
	NITRO_LOG_INFO = 1,
	NITRO_LOG_WARN = 2,
	NITRO_LOG_ERROR = 3,
	NITRO_LOG_OFF = 4
};

/* Lines below level are dropped; the default is NITRO_LOG_INFO (or
 * NITRO_LOG_LEVEL=debug|info|warn|error|off from the environment). */
NITRO_API void nitro_log_set_level(int level);
NITRO_API int nitro_log_level(void);

/*
 * nitro_log(level, msg, key, value, key, value, ..., NULL): the values are
 * strings, quoted as logfmt requires.
 */
NITRO_API void nitro_log(int level, const char *msg, ...);

/* Append one logfmt pair (" key=value", quoting value when needed). */
NITRO_API void nitro_log_kv(nitro_buf *line, const char *key, const char *value, size_t len);


/* ---- event bus --------------------------------------------------------- */

/*
 * A bus delivers named events ("todo.saved") to handlers subscribed by
 * pattern: an exact name, or a glob where '*' matches any run of
 * characters ("todo.*", "*.saved", "*").  Handlers run by priority (higher
 * first), then in registration order.  Subscribing and unsubscribing are
 * safe while other threads emit: an emit works on the subscription list as
 * it was when the emit began.
 *
 * The payload is an opaque pointer; when the event comes from an entity,
 * schema names its type and payload points at the entity's struct.
 */
typedef struct nitro_bus nitro_bus;
struct nitro_schema;

typedef struct nitro_event {
	const char *name;
	const void *sender;	/* who emitted it (for sender filters) */
	void *payload;
	const struct nitro_schema *schema; /* payload's entity type or NULL */
	char veto[160];		/* why a handler stopped the event */
} nitro_event;

enum {
	NITRO_EVENT_CONTINUE = 0,	/* let the next handler run */
	NITRO_EVENT_STOP = 1		/* stop here; a sync emit is vetoed */
};

/* A handler returns NITRO_EVENT_CONTINUE, NITRO_EVENT_STOP, or a negative
 * NITRO_E* to report a failure (logged, counted; the others still run). */
typedef int (*nitro_event_fn)(nitro_event *ev, void *udata);
/* A condition returns non-zero when its handler should run. */
typedef int (*nitro_event_cond)(const nitro_event *ev, void *udata);

struct nitro_sub_opts {
	int priority;			/* higher runs first; default 0 */
	const void *sender;		/* only events from this sender */
	nitro_event_cond cond;		/* only events it accepts */
};

struct nitro_bus_opts {
	unsigned threads;		/* async workers; 0: no async emits */
	size_t queue_max;		/* queued async events (1024) */
};

struct nitro_bus_stats {
	uint64_t emitted;	/* events emitted (sync and async) */
	uint64_t handled;	/* handler calls that returned continue or stop */
	uint64_t failed;	/* handler calls that returned an error */
	uint64_t vetoed;	/* events a handler stopped */
	uint64_t dropped;	/* async emits refused because the queue was full */
	size_t queue_depth;	/* async events waiting now */
	size_t subscriptions;	/* live subscriptions */
};

/* opts may be NULL (no async workers). */
NITRO_API nitro_bus *nitro_bus_new(const struct nitro_bus_opts *opts);
/* Waits for queued async events, then frees everything. */
NITRO_API void nitro_bus_free(nitro_bus *bus);
/* The process-wide bus that entities emit on unless bound to another. */
NITRO_API nitro_bus *nitro_bus_default(void);

/* Returns a subscription id (> 0) or a negative NITRO_E*.  opts may be NULL. */
NITRO_API int nitro_bus_on(nitro_bus *bus, const char *pattern, nitro_event_fn fn,
    void *udata, const struct nitro_sub_opts *opts);
/* 0, or NITRO_ENOTFOUND for an unknown id. */
NITRO_API int nitro_bus_off(nitro_bus *bus, int id);

/* Runs the matching handlers now, in this thread.  0, or NITRO_EVETO when
 * a handler stopped the event (nitro_errmsg() carries its reason). */
NITRO_API int nitro_bus_emit(nitro_bus *bus, const char *name, const void *sender,
    void *payload);
/* As nitro_bus_emit(), with an entity payload. */
NITRO_API int nitro_bus_emit_entity(nitro_bus *bus, const char *name,
    const void *sender, const struct nitro_schema *schema, void *payload);
/* Queues the event for the bus's workers and returns at once.  When it
 * returns 0 the bus owns payload and calls release(payload) (if not NULL)
 * after the handlers ran; on NITRO_EBUSY (queue full) or another error the
 * caller keeps it. */
NITRO_API int nitro_bus_emit_async(nitro_bus *bus, const char *name,
    const void *sender, void *payload, void (*release)(void *));
/* Blocks until every queued async event has been handled. */
NITRO_API void nitro_bus_drain(nitro_bus *bus);
/* Called by a handler: record why it stops the event; returns
 * NITRO_EVENT_STOP so that a handler can end with return nitro_event_veto(). */
NITRO_API int nitro_event_veto(nitro_event *ev, const char *fmt, ...) NITRO_PRINTF(2, 3);
NITRO_API void nitro_bus_stats(nitro_bus *bus, struct nitro_bus_stats *st);
/* Non-zero when pattern matches name ('*' matches any run of bytes). */
NITRO_API int nitro_event_match(const char *pattern, const char *name);

#ifdef __cplusplus
}
#endif
#endif /* NITRO_CORE_H */
