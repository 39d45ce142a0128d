/* Configuration: .env parsing, environment precedence, typed getters, and
 * the start-up check that names a bad variable. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nitro/core.h"
#include "t.h"

static char path[64];

static int write_env(const char *text)
{
	FILE *f = fopen(path, "w");

	if (f == NULL)
		return -1;
	fputs(text, f);
	fclose(f);
	return 0;
}

int main(void)
{
	int fd;

	snprintf(path, sizeof path, "/tmp/nitro-env-XXXXXX");
	fd = mkstemp(path);
	T_OK(fd >= 0, "temporary file");
	close(fd);

	T_EQ_INT(write_env(
	    "# comment\n"
	    "\n"
	    "NITRO_PORT=8080\n"
	    "export NITRO_NAME = \"my app\\n\" # trailing comment\n"
	    "NITRO_RAW='a \"b\" \\n'\n"
	    "NITRO_BARE=hello world # note\n"
	    "NITRO_HASH=a#b\r\n"
	    "NITRO_DEBUG=yes\n"
	    "NITRO_RATIO=0.25\n"
	    "NITRO_EMPTY=\n"
	    "NITRO_NOTE= # only a comment\n"
	    "NITRO_COLOR=#fff\n"
	    "export \t NITRO_SPACED=1\n"
	    "OTHER_KEY=ignored\n"
	    "NITRO_PORT=9090\n"), 0, "write .env");
	T_EQ_INT(nitro_config_load(path), 0, "load .env");
	T_EQ_INT(nitro_config_int("NITRO_PORT", 1, 1, 65535), 9090, "later line wins");
	T_EQ_STR(nitro_config_str("NITRO_NAME", NULL), "my app\n", "double quotes with escapes");
	T_EQ_STR(nitro_config_str("NITRO_RAW", NULL), "a \"b\" \\n", "single quotes are literal");
	T_EQ_STR(nitro_config_str("NITRO_BARE", NULL), "hello world", "unquoted, comment stripped");
	T_EQ_STR(nitro_config_str("NITRO_HASH", NULL), "a#b", "# inside a word, CRLF line");
	T_EQ_INT(nitro_config_bool("NITRO_DEBUG", 0), 1, "boolean yes");
	T_OK(nitro_config_real("NITRO_RATIO", 0) == 0.25, "real");
	T_EQ_STR(nitro_config_str("NITRO_EMPTY", "d"), "", "empty value is a value");
	T_EQ_STR(nitro_config_str("NITRO_NOTE", "d"), "", "KEY= # comment is an empty value");
	T_EQ_STR(nitro_config_str("NITRO_COLOR", "d"), "#fff", "KEY=#x keeps the #");
	T_EQ_STR(nitro_config_str("NITRO_SPACED", "d"), "1", "export with several blanks");
	T_EQ_STR(nitro_config_str("OTHER_KEY", "d"), "d", "only NITRO_* keys are read from the file");
	T_EQ_STR(nitro_config_str("NITRO_MISSING", "dflt"), "dflt", "default");
	T_EQ_INT(nitro_config_int("NITRO_MISSING", 42, 0, 100), 42, "integer default");

	setenv("NITRO_PORT", "7070", 1);
	T_EQ_INT(nitro_config_int("NITRO_PORT", 1, 1, 65535), 7070, "environment wins");
	T_EQ_INT(nitro_config_check(), 0, "no problems yet");

	setenv("NITRO_THREADS", "lots", 1);
	T_EQ_INT(nitro_config_int("NITRO_THREADS", 4, 1, 64), 4, "bad integer gives the default");
	T_EQ_INT(nitro_config_check(), NITRO_EINVAL, "start-up check fails");
	T_EQ_STR(nitro_errmsg(), "bad setting NITRO_THREADS: \"lots\" is not an integer",
	    "the message names the variable");
	setenv("NITRO_WORKERS", "100", 1);
	T_EQ_INT(nitro_config_int("NITRO_WORKERS", 4, 1, 64), 4, "out of range");
	setenv("NITRO_FLAG", "maybe", 1);
	T_EQ_INT(nitro_config_bool("NITRO_FLAG", 1), 1, "bad boolean gives the default");
	setenv("NITRO_R", "1e999", 1);
	T_OK(nitro_config_real("NITRO_R", 2.0) == 2.0, "infinite real refused");
	nitro_config_check();
	T_EQ_STR(nitro_errmsg(), "bad setting NITRO_THREADS: \"lots\" is not an integer (and 3 more)",
	    "problems are counted");

	write_env("NITRO_OK=1\nthis line is wrong\n");
	T_EQ_INT(nitro_config_load(path), NITRO_EPARSE, "malformed line");
	T_OK(strstr(nitro_errmsg(), ":2: expected KEY=VALUE") != NULL, "error names the line");
	write_env("NITRO_Q=\"open\n");
	T_EQ_INT(nitro_config_load(path), NITRO_EPARSE, "unterminated quote");
	write_env("NITRO_Q=\"a\" b\n");
	T_EQ_INT(nitro_config_load(path), NITRO_EPARSE, "text after a quote");
	write_env("=value\n");
	T_EQ_INT(nitro_config_load(path), NITRO_EPARSE, "no key");
	unlink(path);
	T_EQ_INT(nitro_config_load(path), NITRO_ENOTFOUND, "an explicit file must exist");
	T_EQ_INT(nitro_config_load(NULL), 0, "the default .env is optional");
	return t_done();
}
