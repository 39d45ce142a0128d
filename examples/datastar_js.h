/*
 * The examples' Datastar client: NITRO_DATASTAR_JS may name a local copy
 * of the bundle (offline use, the browser tests), read once at start-up
 * and served as GET /datastar.js; otherwise pages load it from the CDN.
 */
#ifndef EXAMPLES_DATASTAR_JS_H
#define EXAMPLES_DATASTAR_JS_H

#include <nitro.h>

/* When NITRO_DATASTAR_JS names a file, read it (at most 1 MiB) and route
 * GET /datastar.js to it.  0, or a negative NITRO_E* when it cannot be
 * read or is larger. */
int datastar_js_route(nitro_app *app);
/* For nitro_page.datastar_src: "/datastar.js", or NULL (the CDN). */
const char *datastar_js_src(void);
/* Release the bytes, after nitro_app_run() has returned. */
void datastar_js_free(void);

#endif
