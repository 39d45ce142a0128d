/*
 * <nitro/core.h>: what every layer builds on, knowing nothing of SQL,
 * HTML or HTTP: errors, memory (arenas and growable buffers), logging,
 * the event bus, entities and the repository interface (with the memory
 * repository), metrics, configuration, and the event transport that
 * publishes events to every worker process.
 *
 * Objects take their settings when they are made, as a struct of options
 * whose zero fields mean the defaults (nitro_bus_new(),
 * nitro_memrepo_new(), and nitro_sqlrepo_new() and nitro_app_new() in the
 * other layers); opts may be NULL.
 *
 * Functions that can fail return 0 or a negative NITRO_E* code (or NULL)
 * and leave the code and a message for the calling thread in
 * nitro_errcode() and nitro_errmsg().  Nothing here calls
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
#define NITRO_SENTINEL __attribute__((sentinel))
#else
#define NITRO_API
#define NITRO_PRINTF(f, a)
#define NITRO_NODISCARD
#define NITRO_SENTINEL
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
	NITRO_EBUSY = -11,	/* resource busy, queue full: 503 from a handler */
	NITRO_EVALIDATE = -12,	/* validation failed */
	NITRO_ECONSTRAINT = -13,/* a constraint (foreign key, ...) failed */
	NITRO_EINTERNAL = -14,	/* a bug or an impossible state */
	NITRO_EUNAVAILABLE = -15/* a needed service (the database) is away: 503 */
};

/* A static description of an error code ("out of memory"). */
NITRO_API const char *nitro_strerror(int err);

/*
 * Each thread has a last error: a code and a message that travel together.
 * nitro_error() sets both and nitro_error_clear() clears both; nothing
 * else touches them (the FastCGI runtime clears them as each request
 * starts).  So right after a call fails (a negative NITRO_E* or NULL),
 * nitro_errcode() is its code and nitro_errmsg() says why; after a call
 * that succeeded they may still describe an earlier failure.
 */
/* The calling thread's last error code: a negative NITRO_E*, or 0. */
NITRO_API int nitro_errcode(void);

/* The calling thread's last error message; never NULL. */
NITRO_API const char *nitro_errmsg(void);

/* Record err and a message for the calling thread; return err (negative). */
NITRO_API int nitro_error(int err, const char *fmt, ...) NITRO_PRINTF(2, 3);

/* Forget the calling thread's last error (code 0, "no error"). */
NITRO_API void nitro_error_clear(void);

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


/* ---- entities ---------------------------------------------------------- */

/*
 * An entity type is declared once, as an X-macro list of fields:
 *
 *   #define TODO_FIELDS(X) \
 *	X(id,       INT,  NITRO_F_ID) \
 *	X(title,    TEXT, NITRO_F_REQUIRED, NITRO_F_MAXLEN(200)) \
 *	X(priority, INT,  NITRO_F_MIN(1), NITRO_F_MAX(5), NITRO_F_DEFAULT("3")) \
 *	X(done,     BOOL, NITRO_F_DEFAULT("false"))
 *   NITRO_ENTITY(todo, TODO_FIELDS)          (in a header)
 *   NITRO_ENTITY_DEFINE(todo, TODO_FIELDS)   (in one .c file)
 *
 * which gives struct todo, the schema todo_schema and typed functions
 * todo_get(), todo_save(), todo_delete(), todo_query()...  Each field is
 * X(name, TYPE, constraints...) with TYPE one of INT, REAL, BOOL, TEXT,
 * TIME (milliseconds since the epoch, ISO 8601 in JSON), JSON, BLOB, or
 * COMPUTED (a placeholder member; its value is computed for JSON output).
 *
 * TEXT, JSON and BLOB members are owned by the struct (free them with
 * nitro_entity_clear()) and are NULL when the value is NULL.  Scalars are
 * NULL only when their bit in nitro_nulls is set (nitro_entity_set_null()).
 */
struct json_object;

enum nitro_type {
	NITRO_T_NULL = 0,
	NITRO_T_INT, NITRO_T_REAL, NITRO_T_BOOL, NITRO_T_TEXT, NITRO_T_TIME,
	NITRO_T_JSON, NITRO_T_BLOB, NITRO_T_COMPUTED
};

typedef struct nitro_blob {
	unsigned char *data;	/* NULL: the value is NULL */
	size_t len;
} nitro_blob;

#define NITRO_CTYPE_INT		int64_t
#define NITRO_CTYPE_REAL	double
#define NITRO_CTYPE_BOOL	_Bool
#define NITRO_CTYPE_TEXT	char *
#define NITRO_CTYPE_TIME	int64_t
#define NITRO_CTYPE_JSON	struct json_object *
#define NITRO_CTYPE_BLOB	nitro_blob
#define NITRO_CTYPE_COMPUTED	unsigned char

/* The checks validation makes, each with a default message that a field
 * may replace (NITRO_F_MSG). */
enum nitro_vcheck {
	NITRO_V_REQUIRED,	/* "is required" */
	NITRO_V_UTF8,		/* "is not valid UTF-8" */
	NITRO_V_MINLEN,		/* "must be at least N characters" */
	NITRO_V_MAXLEN,		/* "must be at most N characters" (bytes: blob) */
	NITRO_V_PATTERN,	/* "has the wrong format" */
	NITRO_V_ONE_OF,		/* "must be one of: a, b, c" */
	NITRO_V_MIN,		/* "must be at least N" */
	NITRO_V_MAX,		/* "must be at most N" */
	NITRO_V_FINITE,		/* "must be a finite number" */
	NITRO_V_TYPE,		/* text that is not of the field's type, from
				 * a request ("must be a whole number") */
	NITRO_V_COUNT
};

typedef struct nitro_field {
	const char *name;
	int type;
	size_t offset;
	unsigned char id, uuid, required, unique, secret, has_min, has_max;
	double min, max;		/* numeric range */
	size_t min_len, max_len;	/* text characters, blob bytes; 0: none */
	const char *pattern;		/* POSIX extended regex for text */
	const char *one_of;		/* "low|medium|high" */
	const char *def;		/* default, written as in JSON text */
	struct json_object *(*compute)(const void *obj);
	/* Store hints: the SQLite repository uses them, others ignore them. */
	unsigned char search;		/* TEXT in the full-text index */
	unsigned char index;		/* an index on this column */
	const char *ref;		/* references this entity's id (a foreign key) */
	const char *msg[NITRO_V_COUNT];	/* messages replacing the defaults */
	/* View hints: schema-driven forms and tables read them; stores and
	 * validation ignore them. */
	const char *label;		/* "Due date"; NULL: made from the name */
	const char *placeholder;
	const char *help;		/* a line of help under the input */
	const char *format;		/* text input kind: "email", "url", "date",
					 * "datetime", "password", "tel", "color" */
	const char *widget;		/* "textarea", "select", "combobox",
					 * "checkbox", "radio", "hidden" */
	const char *width;		/* CSS width of the input or column */
	int order;			/* position in forms and tables; ties keep
					 * declaration order */
	unsigned char hidden;		/* left out of forms and tables */
} nitro_field;

/* Constraints, written after the type in a field declaration. */
#define NITRO_F_ID		.id = 1
#define NITRO_F_UUID		.id = 1, .uuid = 1	/* TEXT id, generated */
#define NITRO_F_REQUIRED	.required = 1
#define NITRO_F_UNIQUE		.unique = 1
#define NITRO_F_SECRET		.secret = 1	/* never serialised */
#define NITRO_F_MIN(v)		.has_min = 1, .min = (v)
#define NITRO_F_MAX(v)		.has_max = 1, .max = (v)
#define NITRO_F_MINLEN(n)	.min_len = (n)
#define NITRO_F_MAXLEN(n)	.max_len = (n)
#define NITRO_F_PATTERN(re)	.pattern = (re)
#define NITRO_F_ONE_OF(s)	.one_of = (s)
#define NITRO_F_DEFAULT(s)	.def = (s)
#define NITRO_F_COMPUTED(fn)	.compute = (fn)
#define NITRO_F_SEARCH		.search = 1	/* full-text searchable (SQL) */
#define NITRO_F_INDEX		.index = 1	/* indexed (SQL) */
#define NITRO_F_REF(entity)	.ref = (entity)	/* foreign key to entity's id */
#define NITRO_F_LABEL(s)	.label = (s)
#define NITRO_F_PLACEHOLDER(s)	.placeholder = (s)
#define NITRO_F_HELP(s)		.help = (s)
#define NITRO_F_FORMAT(s)	.format = (s)
#define NITRO_F_WIDGET(s)	.widget = (s)
#define NITRO_F_WIDTH(s)	.width = (s)
#define NITRO_F_ORDER(n)	.order = (n)
#define NITRO_F_HIDDEN		.hidden = 1
/* The message for one failed check: NITRO_F_MSG(REQUIRED, "Give a title"). */
#define NITRO_F_MSG(check, text) .msg[NITRO_V_##check] = (text)

#define NITRO_MAX_FIELDS 64

struct nitro__schema_rt;
typedef struct nitro_schema {
	const char *name;
	size_t size;
	size_t nfields;
	const nitro_field *(*fields)(void);
	struct nitro__schema_rt *rt;	/* private, made on first use */
} nitro_schema;

/* An id: num for INT ids, text for UUID ids. */
typedef struct nitro_id {
	int64_t num;
	const char *text;
} nitro_id;

static inline nitro_id nitro_id_int(int64_t n) { nitro_id id = {n, NULL}; return id; }
static inline nitro_id nitro_id_text(const char *s) { nitro_id id = {0, s}; return id; }

/* A value in a query condition. */
typedef struct nitro_value {
	int type;	/* NITRO_T_NULL, _INT, _REAL, _BOOL, _TEXT or _TIME */
	int64_t i;
	double r;
	const char *s;
} nitro_value;

static inline nitro_value nitro_v_int(int64_t i) { nitro_value v = {NITRO_T_INT, i, 0, NULL}; return v; }
static inline nitro_value nitro_v_real(double r) { nitro_value v = {NITRO_T_REAL, 0, r, NULL}; return v; }
static inline nitro_value nitro_v_bool(int b) { nitro_value v = {NITRO_T_BOOL, !!b, 0, NULL}; return v; }
static inline nitro_value nitro_v_text(const char *s) { nitro_value v = {NITRO_T_TEXT, 0, 0, s}; return v; }
static inline nitro_value nitro_v_null(void) { nitro_value v = {NITRO_T_NULL, 0, 0, NULL}; return v; }

enum nitro_op {
	NITRO_OP_EQ = 1, NITRO_OP_NE, NITRO_OP_LT, NITRO_OP_LE, NITRO_OP_GT,
	NITRO_OP_GE, NITRO_OP_IS_NULL, NITRO_OP_NOT_NULL,
	NITRO_OP_CONTAINS	/* text, ASCII case-insensitive (SQL LIKE '%v%') */
};

typedef struct nitro_cond {
	const char *field;
	int op;
	nitro_value v;
} nitro_cond;

typedef struct nitro_order {
	const char *field;
	int desc;
} nitro_order;

/*
 * WHERE (all[0] AND all[1] ...) AND (any[0] OR any[1] ...), ORDER BY
 * order..., id; LIMIT limit (0: none) OFFSET offset.  As in SQL, a
 * comparison with NULL is false, and NULLs sort first ascending and last
 * descending; ties are broken by id, descending when the last order key
 * is (so "newest first" is one key).
 */
#define NITRO_QUERY_MAX_CONDS 64	/* conditions in all, and in any */
#define NITRO_QUERY_MAX_ORDER 8		/* orderings */

typedef struct nitro_query {
	const nitro_cond *all;
	size_t nall;
	const nitro_cond *any;
	size_t nany;
	const nitro_order *order;
	size_t norder;
	size_t limit;
	size_t offset;
} nitro_query;

/* Rows returned by a query: items is an array of n entity structs that
 * the caller owns; free them all with nitro_rows_free(). */
typedef struct nitro_rows {
	void *items;
	size_t n;
	const nitro_schema *schema;
} nitro_rows;

/* Validation: one message per failing field. */
struct nitro_verr {
	const char *field;
	char msg[120];
};
typedef struct nitro_verrors {
	size_t n;
	struct nitro_verr e[NITRO_MAX_FIELDS];
} nitro_verrors;

/* Lifecycle hooks; a negative return from a before hook cancels. */
struct nitro_hooks {
	int (*before_save)(const nitro_schema *s, void *obj, void *udata);
	int (*after_save)(const nitro_schema *s, const void *obj, void *udata);
	int (*before_delete)(const nitro_schema *s, const void *obj, void *udata);
	int (*after_delete)(const nitro_schema *s, const void *obj, void *udata);
	void *udata;
};

/* A repository (a store behind schemas); see nitro_memrepo_new(). */
typedef struct nitro_repo nitro_repo;

NITRO_API int nitro_entity_bind(nitro_schema *s, nitro_repo *repo, nitro_bus *bus);
NITRO_API int nitro_entity_hooks(nitro_schema *s, const struct nitro_hooks *h);
NITRO_API const nitro_field *nitro_entity_field(const nitro_schema *s, const char *name);
NITRO_API int nitro_entity_init(const nitro_schema *s, void *obj);
NITRO_API void nitro_entity_clear(const nitro_schema *s, void *obj);
NITRO_API int nitro_entity_copy(const nitro_schema *s, void *dst, const void *src);
NITRO_API int nitro_entity_set_null(const nitro_schema *s, void *obj, const char *field, int null);
NITRO_API int nitro_entity_is_null(const nitro_schema *s, const void *obj, const char *field);
NITRO_API int nitro_entity_validate(const nitro_schema *s, const void *obj, nitro_verrors *errs);
NITRO_API int nitro_entity_to_json(const nitro_schema *s, const void *obj, struct json_object **out);
NITRO_API int nitro_entity_from_json(const nitro_schema *s, struct json_object *in, void *out,
    nitro_verrors *errs);
/* Set field from its text form, as a form or a query sends it: INT
 * decimal digits (a sign, overflow-checked), REAL a decimal number, BOOL
 * true/on/1/yes or false/off/0/no/"", TIME ISO 8601 (a date, a
 * datetime-local), TEXT as is, JSON parsed, BLOB the bytes.  Empty or NULL
 * text is NULL (false for BOOL).  Text of the wrong kind adds the field's
 * NITRO_V_TYPE message to errs and returns NITRO_EVALIDATE, leaving the
 * field as it was. */
NITRO_API int nitro_entity_set_text(const nitro_schema *s, void *obj, const char *field,
    const char *text, size_t len, nitro_verrors *errs);
NITRO_API int nitro_verrors_to_json(const nitro_verrors *errs, struct json_object **out);
/* Every field validation checks, its message or "" when it passed: a
 * signals patch that shows the new messages and clears the old ones. */
NITRO_API int nitro_verrors_patch(const nitro_schema *s, const nitro_verrors *errs,
    struct json_object **out);
/* The per-field errors of the calling thread's last failed save (or
 * validation without errs): a save reports them, not only a summary. */
NITRO_API const nitro_verrors *nitro_verrors_last(void);

NITRO_API int nitro_entity_get(const nitro_schema *s, nitro_id id, void *out);
NITRO_API int nitro_entity_save(const nitro_schema *s, void *obj);
NITRO_API int nitro_entity_delete(const nitro_schema *s, nitro_id id);
NITRO_API int nitro_entity_exists(const nitro_schema *s, nitro_id id);
NITRO_API int nitro_entity_all(const nitro_schema *s, nitro_rows *out);
NITRO_API int nitro_entity_query(const nitro_schema *s, const nitro_query *q, nitro_rows *out);
NITRO_API int nitro_entity_count(const nitro_schema *s, const nitro_query *q, size_t *n);
NITRO_API int nitro_entity_find_by(const nitro_schema *s, const char *field, nitro_value v,
    void *out);
NITRO_API int nitro_entity_search(const nitro_schema *s, const char *text, nitro_rows *out);
NITRO_API int nitro_entity_filter(const nitro_schema *s, const char *const *kv, int fuzzy,
    nitro_rows *out);
/*
 * Search and filter sorted and paged: shape (NULL: none) lends its order,
 * limit and offset, and conditions in shape->all that rows must also meet
 * (shape->any must be empty).  A NULL or empty text searches for nothing:
 * every row.  total (NULL: not wanted) gets how many rows match before
 * the limit and offset: the page count of a table.
 */
NITRO_API int nitro_entity_search_query(const nitro_schema *s, const char *text,
    const nitro_query *shape, nitro_rows *out, size_t *total);
NITRO_API int nitro_entity_filter_query(const nitro_schema *s, const char *const *kv,
    int fuzzy, const nitro_query *shape, nitro_rows *out, size_t *total);
NITRO_API int nitro_entity_save_many(const nitro_schema *s, void *objs, size_t n);
NITRO_API int nitro_entity_upsert_many(const nitro_schema *s, void *objs, size_t n,
    const char *key);
NITRO_API void nitro_rows_free(nitro_rows *rows);

/* ISO 8601 timestamps: milliseconds since the epoch, UTC. */
#define NITRO_TIME_LEN 32
NITRO_API int nitro_time_format(int64_t ms, char out[NITRO_TIME_LEN]);
NITRO_API int nitro_time_parse(const char *s, int64_t *ms);
NITRO_API int64_t nitro_time_now(void);
/* A random (version 4) UUID in its 36-character text form and a NUL. */
#define NITRO_UUID_LEN 37
NITRO_API int nitro_uuid(char out[NITRO_UUID_LEN]);

/* The schema declaration: struct, schema and typed functions. */
#define NITRO__MEMBER(n_, t_, ...) NITRO_CTYPE_##t_ n_;
#define NITRO__COUNT(n_, t_, ...) + 1
#define NITRO__FIELD(n_, t_, ...) \
	{ .name = #n_, .type = NITRO_T_##t_, \
	  .offset = offsetof(nitro__E, n_), __VA_ARGS__ },

/* Wrappers may go unused in a .c that declares its own entity. */
#if defined(__GNUC__)
#define NITRO__WRAP static inline __attribute__((unused))
#else
#define NITRO__WRAP static inline
#endif
#define NITRO_ENTITY(E, FIELDS) \
	struct E { uint64_t nitro_nulls; FIELDS(NITRO__MEMBER) }; \
	extern nitro_schema E##_schema; \
	NITRO__WRAP int E##_init(struct E *o) { return nitro_entity_init(&E##_schema, o); } \
	NITRO__WRAP void E##_clear(struct E *o) { nitro_entity_clear(&E##_schema, o); } \
	NITRO__WRAP int E##_get(nitro_id id, struct E *out) { return nitro_entity_get(&E##_schema, id, out); } \
	NITRO__WRAP int E##_save(struct E *o) { return nitro_entity_save(&E##_schema, o); } \
	NITRO__WRAP int E##_delete(nitro_id id) { return nitro_entity_delete(&E##_schema, id); } \
	NITRO__WRAP int E##_exists(nitro_id id) { return nitro_entity_exists(&E##_schema, id); } \
	NITRO__WRAP int E##_all(nitro_rows *r) { return nitro_entity_all(&E##_schema, r); } \
	NITRO__WRAP int E##_query(const nitro_query *q, nitro_rows *r) { return nitro_entity_query(&E##_schema, q, r); } \
	NITRO__WRAP int E##_count(const nitro_query *q, size_t *n) { return nitro_entity_count(&E##_schema, q, n); } \
	NITRO__WRAP int E##_find_by(const char *f, nitro_value v, struct E *out) { return nitro_entity_find_by(&E##_schema, f, v, out); } \
	NITRO__WRAP int E##_search(const char *t, nitro_rows *r) { return nitro_entity_search(&E##_schema, t, r); } \
	NITRO__WRAP int E##_filter(const char *const *kv, int fuzzy, nitro_rows *r) { return nitro_entity_filter(&E##_schema, kv, fuzzy, r); } \
	NITRO__WRAP int E##_search_query(const char *t, const nitro_query *q, nitro_rows *r, size_t *n) { return nitro_entity_search_query(&E##_schema, t, q, r, n); } \
	NITRO__WRAP int E##_filter_query(const char *const *kv, int fuzzy, const nitro_query *q, nitro_rows *r, size_t *n) { return nitro_entity_filter_query(&E##_schema, kv, fuzzy, q, r, n); } \
	NITRO__WRAP int E##_save_many(struct E *o, size_t n) { return nitro_entity_save_many(&E##_schema, o, n); } \
	NITRO__WRAP int E##_upsert_many(struct E *o, size_t n, const char *key) { return nitro_entity_upsert_many(&E##_schema, o, n, key); } \
	NITRO__WRAP int E##_validate(const struct E *o, nitro_verrors *e) { return nitro_entity_validate(&E##_schema, o, e); } \
	NITRO__WRAP int E##_to_json(const struct E *o, struct json_object **j) { return nitro_entity_to_json(&E##_schema, o, j); } \
	NITRO__WRAP int E##_from_json(struct json_object *j, struct E *o, nitro_verrors *e) { return nitro_entity_from_json(&E##_schema, j, o, e); }

#define NITRO_ENTITY_DEFINE(E, FIELDS) \
	static const nitro_field *E##__fields(void) \
	{ \
		typedef struct E nitro__E; \
		static const nitro_field f[] = { FIELDS(NITRO__FIELD) }; \
		return f; \
	} \
	nitro_schema E##_schema = { #E, sizeof(struct E), 0 FIELDS(NITRO__COUNT), \
	    E##__fields, NULL }

/* ---- repositories ------------------------------------------------------ */

struct nitro_memrepo_opts {
	int64_t ttl_ms;			/* default time to live; 0: forever */
	int64_t sweep_ms;		/* sweep expired records every; 0: never */
	int64_t (*now_ms)(void *);	/* clock (tests); NULL: real time */
	void *now_arg;
};

/* opts may be NULL. */
NITRO_API nitro_repo *nitro_memrepo_new(const struct nitro_memrepo_opts *opts);
/* Give one record a time to live (0: forever). */
NITRO_API int nitro_memrepo_expire(nitro_repo *r, const nitro_schema *s, nitro_id id,
    int64_t ttl_ms);
/* Remove expired records now; returns how many. */
NITRO_API size_t nitro_memrepo_sweep(nitro_repo *r);
NITRO_API void nitro_repo_free(nitro_repo *r);
NITRO_API const char *nitro_repo_name(const nitro_repo *r);
/* 0 when the repository's store answers now (a cheap round trip), or a
 * negative NITRO_E* with the reason; for health checks. */
NITRO_API int nitro_repo_ping(nitro_repo *r);

/*
 * Writing a repository backend: fill the operations below and make the
 * repository with nitro_repo_new(); schemas are bound to it with
 * nitro_entity_bind() as to any other.  The entity layer validates,
 * runs hooks and bus events, makes text (UUID) ids, and checks queries
 * against the schema before a backend sees them.  Every backend must pass
 * the repository conformance suite (nitro_repo_conformance(7)).
 */
struct nitro_repo_ops {
	const char *name;
	/* Make the per-schema store; *store is passed to every call below. */
	int (*attach)(nitro_repo *r, const nitro_schema *s, void **store);
	/* Copy one record into out (a cleared struct); NITRO_ENOTFOUND. */
	int (*get)(void *store, nitro_id id, void *out);
	/*
	 * Insert or replace n records, all or none.  A record without an id
	 * gets one (written back into objs[i]).  key < 0 matches records by
	 * id; otherwise by field key (an upsert on a unique field: the record
	 * takes the existing id).  A unique field whose value another record
	 * holds is NITRO_EEXIST with the field named in the message.
	 */
	int (*put)(void *store, void *const *objs, size_t n, int key);
	int (*del)(void *store, nitro_id id);
	/* Rows for a checked query; out NULL means count only. */
	int (*query)(void *store, const nitro_query *q, nitro_rows *out, size_t *count);
	/* Free what the backend holds (nitro_repo_free); may be NULL. */
	void (*free)(nitro_repo *r);
	/* Optional: 0 when the store answers now, or a negative NITRO_E*
	 * saying why not; cheap, for health checks (NULL: always up).  Kept
	 * last so that backends written before it still fit. */
	int (*ping)(nitro_repo *r);
};

/* A repository of the backend ops, with udata for the backend (ops must
 * outlive it).  NULL with nitro_errmsg(). */
NITRO_API nitro_repo *nitro_repo_new(const struct nitro_repo_ops *ops, void *udata);
/* The udata of a repository made by nitro_repo_new(), else NULL. */
NITRO_API void *nitro_repo_udata(const nitro_repo *r);
/* The operations of any repository, to delegate to it from another
 * backend (a cache, a counter, a fault injector). */
NITRO_API const struct nitro_repo_ops *nitro_repo_ops(const nitro_repo *r);


/* ---- metrics ------------------------------------------------------------- */

/*
 * A process-wide registry of counters and latency histograms, written in
 * the Prometheus text format by nitro_metrics_write().  A series is a name
 * ([a-zA-Z_:][a-zA-Z0-9_:]*) and a label string written by the program,
 * such as method="GET",status="200" (never client text).  Getting the same
 * name and labels again returns the same series; updates are lock-free.
 */
typedef struct nitro_counter nitro_counter;
typedef struct nitro_histogram nitro_histogram;

/* NULL (with nitro_errmsg) on a bad name or labels, or past 4096 series. */
NITRO_API nitro_counter *nitro_counter_get(const char *name, const char *help,
    const char *labels);
NITRO_API void nitro_counter_add(nitro_counter *c, uint64_t n);
NITRO_API uint64_t nitro_counter_value(const nitro_counter *c);
/* Buckets from 0.5 ms to 10 s. */
NITRO_API nitro_histogram *nitro_histogram_get(const char *name, const char *help,
    const char *labels);
NITRO_API void nitro_histogram_observe(nitro_histogram *h, double seconds);
/* One request: nitro_http_requests_total{method,status} and
 * nitro_http_request_duration_seconds{method}. */
NITRO_API void nitro_metrics_request(const char *method, int status, double seconds);
/* Include a bus's counters (nitro_events_*{bus="label"}) in the output. */
NITRO_API int nitro_metrics_bus(nitro_bus *bus, const char *label);
/* Append the whole registry to out; 0 or out's error. */
NITRO_API int nitro_metrics_write(nitro_buf *out);

/* ---- configuration --------------------------------------------------------- */

/*
 * Settings come from the environment and from a .env file (KEY=VALUE lines,
 * # comments, optional quotes); the environment wins.  Only NITRO_* keys
 * are read from the file.  A getter that finds a malformed value returns
 * the default and records the problem; nitro_config_check() then fails at
 * start-up with a message that names the variable.
 */
NITRO_API int nitro_config_load(const char *path);
NITRO_API const char *nitro_config_str(const char *key, const char *def);
NITRO_API int64_t nitro_config_int(const char *key, int64_t def, int64_t min, int64_t max);
NITRO_API int nitro_config_bool(const char *key, int def);
NITRO_API double nitro_config_real(const char *key, double def);
NITRO_API int nitro_config_check(void);

/* ---- event transport ---------------------------------------------------- */

/*
 * A transport carries events between the worker processes of one
 * application: every event published in any process can be read, in id
 * order, by every process.  Ids only grow and are never reused, and they
 * double as SSE ids so that a reconnecting browser is replayed what it
 * missed.  The embedded transport is SQLite's durable event log
 * (nitro_sql_transport() in <nitro/sql.h>); a multi-host deployment plugs
 * another engine in behind the same operations.
 */
typedef struct nitro_tevent {
	int64_t id;
	int64_t time_ms;
	char *topic;
	char *payload;		/* JSON text */
} nitro_tevent;

struct nitro_transport_ops {
	/* Append an event; *id (may be NULL) gets its id.  Any thread. */
	int (*publish)(void *self, const char *topic, const char *json, int64_t *id);
	/* The newest id (0 when there is none).  Any thread. */
	int (*head)(void *self, int64_t *id);
	/* A reader for one thread. */
	void *(*follow)(void *self);
	/* Cheap: 1 when events may have been published since the last call. */
	int (*changed)(void *reader);
	/* Up to limit events with id > after, in id order. */
	int (*read)(void *reader, int64_t after, size_t limit, nitro_tevent **out, size_t *n);
	void (*unfollow)(void *reader);
	void (*free)(void *self);
	/*
	 * Optional (NULL, or -1 from it: poll changed() only): a descriptor
	 * of the reader's that becomes readable when events may have been
	 * published, such as a pub/sub socket.  The hub waits on it with
	 * epoll, reads it dry and then calls changed(); the reader owns it.
	 */
	int (*watch_fd)(void *reader);
	/*
	 * Optional (NULL, or 0 from it: no epoch, plain ids): the log's
	 * epoch, a number other than 0 that changes whenever ids may be
	 * handed out again (a new, restored or failed-over database).  SSE
	 * ids carry it ("E-N"), so that an id from another epoch is told
	 * nitro.gap instead of being replayed events that are not the ones it
	 * saw.  Cheap: the reader reads it when it connects, and again after
	 * it reconnects, and returns what it holds.
	 */
	int64_t (*epoch)(void *reader);
	/*
	 * Optional: *floor gets the retention floor: events with id <= floor
	 * may have been dropped, every committed event above it is still
	 * there.  Ids may have holes (a publish rolled back); only a
	 * reconnect whose id is below the floor is told nitro.gap.  NULL: the
	 * transport has no holes, and a missing id right after the one a
	 * reconnect asks for means it was dropped.
	 */
	int (*floor)(void *reader, int64_t *floor);
};

typedef struct nitro_transport nitro_transport;

/* Wrap ops around self; the transport owns self (ops->free). */
NITRO_API nitro_transport *nitro_transport_new(const struct nitro_transport_ops *ops, void *self);
NITRO_API void nitro_transport_free(nitro_transport *t);
/*
 * Publish an event: the one way to publish, whatever carries it (the
 * application's transport is nitro_app_transport() in <nitro/fcgi.h>).
 * topic is a name like "todo.saved", json valid JSON text.  Processes
 * following the transport see it within their poll interval; this
 * process's hub is woken at once.
 */
NITRO_API int nitro_publish(nitro_transport *t, const char *topic, const char *json,
    int64_t *id);
NITRO_API void nitro_tevents_free(nitro_tevent *ev, size_t n);

#ifdef __cplusplus
}
#endif
#endif /* NITRO_CORE_H */
