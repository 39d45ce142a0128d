/* Unit tests for core/: errors, arenas, buffers, logfmt. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nitro/core.h"
#include "core/error.h"
#include "core/sqlgen.h"
#include "t.h"

static void test_errors(void)
{
	T_EQ_STR(nitro_strerror(NITRO_ENOMEM), "out of memory", "strerror names ENOMEM");
	T_EQ_STR(nitro_strerror(12345), "unknown error", "strerror of an unknown code");
	T_EQ_INT(nitro_error(NITRO_EPARSE, "bad %s at %d", "thing", 7), NITRO_EPARSE,
	    "nitro_error returns its code");
	T_EQ_STR(nitro_errmsg(), "bad thing at 7", "nitro_errmsg keeps the message");
	T_EQ_INT(nitro_errcode(), NITRO_EPARSE, "nitro_errcode keeps the code with it");
	nitro_error_clear();
	T_EQ_INT(nitro_errcode(), 0, "nitro_error_clear forgets the code");
	T_EQ_STR(nitro_errmsg(), "no error", "and the message");

	/* The internal helpers every layer uses. */
	T_EQ_INT(nitro__oom("widget"), NITRO_ENOMEM, "nitro__oom returns NITRO_ENOMEM");
	T_EQ_STR(nitro_errmsg(), "widget: out of memory", "with the one message");
	T_EQ_INT(nitro_errcode(), NITRO_ENOMEM, "and its code");
	T_EQ_INT(nitro__oom(NULL), NITRO_ENOMEM, "nitro__oom without a name");
	T_EQ_STR(nitro_errmsg(), "out of memory", "says just that");
	T_EQ_INT(nitro__errcode(), NITRO_ENOMEM, "nitro__errcode passes on the last code");
	nitro_error(NITRO_EBUSY, "locked");
	T_EQ_INT(nitro__error_wrap(NITRO_EIO, "saving"), NITRO_EIO, "nitro__error_wrap returns err");
	T_EQ_STR(nitro_errmsg(), "saving: locked", "and puts its prefix before the message");
	nitro_error_clear();
	T_EQ_INT(nitro__errcode(), NITRO_EINTERNAL,
	    "a failure that left no code is passed on as NITRO_EINTERNAL, never 0");
}

/*
 * Every function that returns NULL on failure leaves the code, readable
 * with nitro_errcode() (nitro_tpl_new, nitro_sqlrepo_new and the fcgi
 * ones are checked in their layers' tests).
 */
static void test_null_leaves_a_code(void)
{
	static const struct nitro_transport_ops none = {0};
	struct nitro_memrepo_opts bad_ttl = {.ttl_ms = -1};
	struct nitro_bus_opts many = {.threads = 100000};
	nitro_arena *a = nitro_arena_new(256);

	nitro_error_clear();
	T_OK(nitro_arena_calloc(a, SIZE_MAX / 2, 4) == NULL, "arena calloc overflow: NULL");
	T_EQ_INT(nitro_errcode(), NITRO_ELIMIT, "... with NITRO_ELIMIT");
	nitro_arena_free(a);
	nitro_error_clear();
	T_OK(nitro_bus_new(&many) == NULL, "bus with too many threads: NULL");
	T_EQ_INT(nitro_errcode(), NITRO_ELIMIT, "... with NITRO_ELIMIT");
	nitro_error_clear();
	T_OK(nitro_memrepo_new(&bad_ttl) == NULL, "memrepo with a negative ttl: NULL");
	T_EQ_INT(nitro_errcode(), NITRO_EINVAL, "... with NITRO_EINVAL");
	nitro_error_clear();
	T_OK(nitro_transport_new(&none, NULL) == NULL, "transport without operations: NULL");
	T_EQ_INT(nitro_errcode(), NITRO_EINVAL, "... with NITRO_EINVAL");
	nitro_error_clear();
	T_OK(nitro_counter_get("bad name!", "help", NULL) == NULL, "counter with a bad name: NULL");
	T_EQ_INT(nitro_errcode(), NITRO_EINVAL, "... with NITRO_EINVAL");
}

static void test_arena(void)
{
	nitro_arena *a = nitro_arena_new(1024);
	char *s, *big;
	int aligned = 1;

	T_OK(a != NULL, "arena created");
	for (int i = 0; i < 100; i++) {
		void *p = nitro_arena_alloc(a, (size_t)i + 1);
		if (((uintptr_t)p & 15) != 0)
			aligned = 0;
	}
	T_OK(aligned, "allocations are 16-byte aligned");
	s = nitro_arena_strndup(a, "hello world", 5);
	T_EQ_STR(s, "hello", "strndup copies n bytes and terminates");
	big = nitro_arena_alloc(a, 100000);
	T_OK(big != NULL, "an allocation larger than a block succeeds");
	memset(big, 'x', 100000);
	T_OK(nitro_arena_calloc(a, SIZE_MAX / 2, 4) == NULL, "calloc overflow is refused");
	T_OK(nitro_arena_alloc(a, SIZE_MAX - 3) == NULL, "a huge allocation is refused");
	T_OK(nitro_arena_used(a) >= 100000, "used counts bytes handed out");
	nitro_arena_reset(a);
	T_EQ_INT(nitro_arena_used(a), 0, "reset empties the arena");
	s = nitro_arena_strdup(a, "again");
	T_EQ_STR(s, "again", "arena usable after reset");
	nitro_arena_free(a);
}

static void test_buf(void)
{
	nitro_buf b;
	char mem[8];

	nitro_buf_init(&b, 0);
	T_EQ_INT(nitro_buf_puts(&b, "abc"), 0, "puts into an empty buffer");
	nitro_buf_printf(&b, "-%d-%s", 42, "x");
	T_EQ_STR(b.data, "abc-42-x", "printf appends");
	for (int i = 0; i < 1000; i++)
		nitro_buf_putc(&b, 'y');
	T_EQ_INT(b.len, 1008, "buffer grows");
	T_EQ_INT(b.data[b.len], 0, "buffer stays NUL-terminated");
	nitro_buf_reset(&b);
	T_EQ_INT(b.len, 0, "reset empties");
	nitro_buf_free(&b);

	nitro_buf_init(&b, 10);
	T_EQ_INT(nitro_buf_puts(&b, "0123456789"), 0, "append up to max");
	T_EQ_INT(nitro_buf_putc(&b, 'x'), NITRO_ELIMIT, "append past max fails");
	T_EQ_INT(nitro_buf_puts(&b, ""), NITRO_ELIMIT, "the error is sticky");
	T_EQ_INT(b.len, 10, "nothing was appended past max");
	nitro_buf_free(&b);

	nitro_buf_init_on(&b, mem, sizeof mem, 0);
	nitro_buf_puts(&b, "1234567");
	T_OK(b.data == mem, "borrowed storage used while it fits");
	nitro_buf_printf(&b, "%s", "89abcdef");
	T_OK(b.data != mem && !b.borrowed, "growth moves to the heap");
	T_EQ_STR(b.data, "123456789abcdef", "bytes kept when moved");
	size_t n;
	char *p = nitro_buf_steal(&b, &n);
	T_EQ_INT(n, 15, "steal returns the length");
	T_OK(b.data == NULL && b.len == 0, "steal empties the buffer");
	free(p);
}

/* The fast path and its vsnprintf fallback must agree with printf. */
static void test_printf(void)
{
	char want[256];
	nitro_buf b;

	nitro_buf_init(&b, 0);
	nitro_buf_printf(&b, "%s=%d %u %ld %lu %lld %llu %zu %c %% %i", "k", -42, 42u,
	    -9000000000L, 9000000000UL, -9223372036854775807LL - 1, 18446744073709551615ULL,
	    (size_t)7, 'x', 0);
	snprintf(want, sizeof want, "%s=%d %u %ld %lu %lld %llu %zu %c %% %i", "k", -42, 42u,
	    -9000000000L, 9000000000UL, -9223372036854775807LL - 1, 18446744073709551615ULL,
	    (size_t)7, 'x', 0);
	T_EQ_STR(b.data, want, "plain conversions match printf (extremes included)");
	nitro_buf_reset(&b);
	nitro_buf_printf(&b, "[%5d|%-3s|%.2f|%x]", 42, "a", 3.14159, 255);
	T_EQ_STR(b.data, "[   42|a  |3.14|ff]", "flags, widths, floats fall back to vsnprintf");
	nitro_buf_reset(&b);
	for (int i = 0; i < 300; i++)
		nitro_buf_printf(&b, "%d,", i);
	T_EQ_INT(b.len, 10 * 2 + 90 * 3 + 200 * 4, "results that do not fit grow the buffer");
	T_OK(strncmp(b.data + b.len - 4, "299,", 4) == 0, "and nothing is lost at the edge");
	nitro_buf_free(&b);
}

static void test_logfmt(void)
{
	nitro_buf b;

	nitro_buf_init(&b, 0);
	nitro_log_kv(&b, "path", "/a/b", 4);
	nitro_log_kv(&b, "msg", "two words", 9);
	nitro_log_kv(&b, "q", "say \"hi\"\n", 9);
	nitro_log_kv(&b, "e", "", 0);
	T_EQ_STR(b.data, " path=/a/b msg=\"two words\" q=\"say \\\"hi\\\"\\n\" e=\"\"",
	    "logfmt quotes and escapes values");
	nitro_buf_reset(&b);
	nitro_log_kv(&b, "c", "a\x01" "b", 3);
	T_EQ_STR(b.data, " c=\"a\\x01b\"", "control bytes are hex-escaped");
	nitro_buf_free(&b);
}

/* Identifiers for SQL (sqlgen.c), with a dialect's reserved prefix as data. */
static void test_sql_ident(void)
{
	static const struct nitro__sql_dialect d = {.reserved = "sys_"};
	char longest[NITRO__SQL_IDENT_MAX + 2];
	nitro_buf b = NITRO_BUF_INIT;

	T_OK(nitro__ident_ok(&d, "todo") && nitro__ident_ok(&d, "_a9_Z"), "plain names pass");
	T_OK(!nitro__ident_ok(&d, NULL) && !nitro__ident_ok(&d, ""), "no name fails");
	T_OK(!nitro__ident_ok(&d, "9a") && !nitro__ident_ok(&d, "a-b") &&
	    !nitro__ident_ok(&d, "a\"b") && !nitro__ident_ok(&d, "a b"),
	    "a digit first, punctuation, quotes and spaces fail");
	T_OK(!nitro__ident_ok(&d, "sys_x") && !nitro__ident_ok(&d, "SYS_x"),
	    "the dialect's reserved prefix fails, in any case");
	T_OK(nitro__ident_ok(&d, "sysx") && nitro__ident_ok(&d, "pg_x"),
	    "only the dialect's own prefix is reserved");
	memset(longest, 'a', sizeof longest);
	longest[NITRO__SQL_IDENT_MAX] = '\0';
	T_OK(nitro__ident_ok(&d, longest), "NITRO__SQL_IDENT_MAX bytes pass");
	longest[NITRO__SQL_IDENT_MAX] = 'a';
	longest[NITRO__SQL_IDENT_MAX + 1] = '\0';
	T_OK(!nitro__ident_ok(&d, longest), "one more fails");
	nitro__ident(&b, "todo");
	T_EQ_STR(b.data, "\"todo\"", "a name is written double-quoted");
	nitro_buf_free(&b);
}

/* A column's constraints and default (sqlgen.c), a BOOL default as the
 * dialect writes it. */
static void test_sql_column(void)
{
	static const char *const words[] = {"no", "yes"};
	static const struct nitro__sql_dialect numbers = {.reserved = "x_"},
	    named = {.reserved = "x_", .bools = words};
	nitro_field flag = {.name = "done", .type = NITRO_T_BOOL, .def = "true", .required = 1};
	nitro_field title = {.name = "title", .type = NITRO_T_TEXT, .def = "it's", .unique = 1};
	nitro_field ref = {.name = "owner", .type = NITRO_T_INT, .ref = "user"};
	nitro_buf b = NITRO_BUF_INIT;

	T_EQ_INT(nitro__column_rest(&numbers, &b, &flag), 0, "a BOOL default");
	T_EQ_STR(b.data, " NOT NULL DEFAULT 1", "is 1 without the dialect's words");
	nitro_buf_reset(&b);
	nitro__column_rest(&named, &b, &flag);
	T_EQ_STR(b.data, " NOT NULL DEFAULT yes", "and the dialect's word with them");
	nitro_buf_reset(&b);
	nitro__column_rest(&named, &b, &title);
	T_EQ_STR(b.data, " UNIQUE DEFAULT 'it''s'", "a text default is a quoted literal");
	nitro_buf_reset(&b);
	nitro__column_rest(&named, &b, &ref);
	T_EQ_STR(b.data, " REFERENCES \"user\"", "a reference names its table quoted");
	nitro_buf_free(&b);
}

int main(void)
{
	test_errors();
	test_null_leaves_a_code();
	test_arena();
	test_buf();
	test_printf();
	test_logfmt();
	test_sql_ident();
	test_sql_column();
	return t_done();
}
