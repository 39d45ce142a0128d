/*
 * Template filling for generated configuration files.  The nginx template
 * is deploy/nginx/serve.conf.in, turned into a C string at build time so
 * that the file people read in deploy/ is the one the command writes.
 */
#include <string.h>

#include <nitro/core.h>

#include "cli/cli.h"

const char nitro__cli_nginx_template[] =
#include "cli/nginx_template.h"
;

static int is_marker_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

static const char *lookup(const char *const *vars, const char *name, size_t n)
{
	for (; vars[0] != NULL && vars[1] != NULL; vars += 2)
		if (strlen(vars[0]) == n && memcmp(vars[0], name, n) == 0)
			return vars[1];
	return NULL;
}

int nitro__cli_fill(nitro_buf *out, const char *tmpl, const char *const *vars)
{
	const char *p = tmpl, *at;

	while ((at = strchr(p, '@')) != NULL) {
		const char *name = at + 1, *end = name, *v;

		while (is_marker_char(*end))
			end++;
		nitro_buf_append(out, p, (size_t)(at - p));
		if (end == name || *end != '@') {	/* not a marker */
			nitro_buf_putc(out, '@');
			p = name;
			continue;
		}
		if ((v = lookup(vars, name, (size_t)(end - name))) == NULL)
			return nitro_error(NITRO_EINVAL, "template marker @%.*s@ has no value",
			    (int)(end - name), name);
		nitro_buf_puts(out, v);
		p = end + 1;
	}
	nitro_buf_puts(out, p);
	return out->err;	/* the buffer said why */
}
