/*
 * bench/http's Nitro side: the smallest application, written only with the
 * public API.  GET / answers "Hello, world!\n" as text/plain; the runtime
 * adds the access log line, limits and everything else a real app gets.
 */
#include <stdio.h>

#include <nitro.h>

static int hello(nitro_req *req, void *udata)
{
	static const char body[] = "Hello, world!\n";

	(void)udata;
	return nitro_resp_send(req, 200, "text/plain", body, sizeof body - 1);
}

int main(int argc, char **argv)
{
	nitro_app *app;
	int rc;

	app = nitro_app_new(NULL);
	if (app == NULL) {
		fprintf(stderr, "hello_nitro: %s\n", nitro_errmsg());
		return 1;
	}
	if (nitro_route(app, "GET /", hello, NULL) < 0) {
		fprintf(stderr, "hello_nitro: %s\n", nitro_errmsg());
		nitro_app_free(app);
		return 1;
	}
	rc = nitro_app_run(app, argc, argv);
	nitro_app_free(app);
	return rc < 0 ? 1 : 0;
}
