/*
 * The application's logic without a server: the memory repository stands
 * in for SQLite (same answers, nothing on disk), and the views write into
 * a buffer.  Prints TAP, which `make check` reads.
 */
#include <stdio.h>
#include <string.h>

#include "app.h"

static int n, failed;

static void check(int ok, const char *what)
{
	n++;
	failed += !ok;
	printf("%sok %d - %s\n", ok ? "" : "not ", n, what);
}

int main(void)
{
	nitro_repo *mem = nitro_memrepo_new(NULL);
	nitro_buf out = NITRO_BUF_INIT;
	nitro_html h;
	int64_t newest = -1;
	size_t count = 99;

	check(mem != NULL && nitro_entity_bind(&note_schema, mem, NULL) == 0,
	    "notes live in the memory repository");
	check(app_add_note("") == NITRO_EVALIDATE, "an empty title is refused");
	check(strstr(nitro_errmsg(), "title") != NULL, "and the message names the field");
	check(app_add_note("Buy <milk> & eggs") == 0, "a note is added");
	check(app_add_note("Call Ann") == 0, "and another");
	check(note_count(NULL, &count) == 0 && count == 2, "two notes are stored");

	nitro_html_init(&h, &out);
	check(app_view_notes(&h, &newest) == 0 && nitro_html_finish(&h) == 0,
	    "the list renders");
	check(out.data != NULL && strcmp(out.data, "<ul id=\"notes\">"
	    "<li id=\"note-1\">Buy &lt;milk&gt; &amp; eggs</li>"
	    "<li id=\"note-2\">Call Ann</li></ul>") == 0,
	    "in id order, with the text escaped");
	check(newest == 2, "and reports the newest id");

	nitro_buf_free(&out);
	nitro_repo_free(mem);
	printf("1..%d\n", n);
	return failed ? 1 : 0;
}
