/*
 * The attribute that opens a live stream from the page:
 * data-init="@get('url', {retry: 'always', ...})".
 *
 * Behind nginx a worker that dies (crashed, killed, restarted) ends its
 * streams the way a finished response ends: nginx 1.22 closes an
 * unbuffered FastCGI response cleanly when its upstream goes away, with
 * the last chunk and no error.  Datastar reconnects after a clean end only
 * with retry 'always', so that is what a live stream gets unless the
 * caller chose another mode.
 */
#include "views/internal.h"

int nitro_ds_live(nitro_html *h, const char *url, const struct nitro_ds_action_opts *opts)
{
	struct nitro_ds_action_opts o = { 0 };
	nitro_buf *e;
	int rc;

	if (h->err)
		return h->err;
	if (opts != NULL)
		o = *opts;
	if (o.retry == NULL)
		o.retry = "always";
	e = nitro__html_scratch(h);
	if ((rc = nitro_js_action(e, "get", url, &o)) != 0)
		return nitro__html_fail(h, rc, "%s", nitro_errmsg());
	return nitro_ds_data(h, "init", NULL, NULL, e->data);
}
