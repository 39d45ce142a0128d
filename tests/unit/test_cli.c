/* The nitro command's template filler, and the nginx template it fills. */
#include <string.h>

#include <nitro/core.h>

#include "cli/cli.h"
#include "tests/unit/t.h"

static const char *const vars[] = {
	"A", "1", "LONG_NAME", "two words", "EMPTY", "", NULL
};

static void fill(const char *tmpl, int want_rc, const char *want, const char *name)
{
	nitro_buf b = NITRO_BUF_INIT;
	int rc = nitro__cli_fill(&b, tmpl, vars);

	T_EQ_INT(rc, want_rc, name);
	if (want != NULL)
		T_EQ_STR(b.data ? b.data : "", want, name);
	nitro_buf_free(&b);
}

int main(void)
{
	nitro_buf b = NITRO_BUF_INIT;
	const char *const nginx_vars[] = { "USER_LINE", "", "RUN_DIR", "/r",
	    "LISTEN", "127.0.0.1:1", "UPSTREAM", "server unix:/r/w.sock;",
	    "BODY_MAX", "2m", "CONNECTIONS", "4096", "NOFILE", "8192",
	    "STATIC_MAP", "", "STATIC", "", "RATE", "", NULL };

	fill("", 0, "", "empty template");
	fill("no markers", 0, "no markers", "text without markers is copied");
	fill("@A@", 0, "1", "a marker alone");
	fill("x=@A@;y=@LONG_NAME@.", 0, "x=1;y=two words.", "markers inside text");
	fill("[@EMPTY@]", 0, "[]", "an empty value");
	fill("@A@@A@", 0, "11", "adjacent markers");
	fill("location @named {", 0, "location @named {", "lowercase after @ is not a marker");
	fill("a@b.c @ @@ end@", 0, "a@b.c @ @@ end@", "lone and double @ are copied");
	fill("@A", 0, "@A", "an unterminated marker is copied");
	fill("x @MISSING@ y", NITRO_EINVAL, NULL, "a marker without a value is an error");
	T_OK(strstr(nitro_errmsg(), "@MISSING@") != NULL, "the error names the marker");

	/* The real template: every marker has a value, none is left. */
	T_EQ_INT(nitro__cli_fill(&b, nitro__cli_nginx_template, nginx_vars), 0,
	    "the nginx template fills");
	T_OK(b.data != NULL && strstr(b.data, "listen 127.0.0.1:1;") != NULL,
	    "the listen address is in place");
	T_OK(b.data != NULL && strstr(b.data, "pid /r/nginx.pid;") != NULL,
	    "the pid file is in the run directory");
	T_OK(b.data != NULL && strstr(b.data, "fastcgi_buffering off;") != NULL,
	    "streams are not buffered");
	T_OK(b.data != NULL && strstr(b.data, "client_max_body_size 2m;") != NULL,
	    "the body limit is in place");
	T_OK(b.data != NULL && strchr(b.data, '@') == NULL, "no marker is left");
	nitro_buf_free(&b);
	return t_done();
}
