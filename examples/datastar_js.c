/* The examples' Datastar client (see datastar_js.h). */
#include <stdio.h>

#include "datastar_js.h"

#define DATASTAR_JS_MAX (1 << 20)

static nitro_buf js = NITRO_BUF_INIT;

static int serve(nitro_req *req, void *udata)
{
	(void)udata;
	return nitro_resp_send(req, 200, "text/javascript", js.data, js.len);
}

int datastar_js_route(nitro_app *app)
{
	const char *path = nitro_config_str("NITRO_DATASTAR_JS", "");
	char chunk[8192];
	size_t n;
	FILE *f;

	if (*path == '\0')
		return 0;
	if ((f = fopen(path, "rb")) == NULL)
		return nitro_error(NITRO_EIO, "cannot read %s", path);
	nitro_buf_init(&js, DATASTAR_JS_MAX);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		nitro_buf_append(&js, chunk, n);
	if (ferror(f) && js.err == 0)
		js.err = nitro_error(NITRO_EIO, "cannot read %s", path);
	fclose(f);
	if (js.err == NITRO_ELIMIT)
		return nitro_error(NITRO_ELIMIT, "%s: over 1 MiB", path);
	if (js.err)
		return js.err;
	return nitro_route(app, "GET /datastar.js", serve, NULL);
}

const char *datastar_js_src(void)
{
	return js.len ? "/datastar.js" : NULL;
}

void datastar_js_free(void)
{
	nitro_buf_free(&js);
}
