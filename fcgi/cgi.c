/*
 * Plain CGI: one request from the environment and stdin, the response on
 * stdout.  The same dispatcher serves it, so an application can be tried
 * from a shell or run under any CGI server.
 */
#include <signal.h>
#include <unistd.h>

#include "fcgi/internal.h"

extern char **environ;

int nitro__serve_cgi(nitro_app *app)
{
	struct nitro_conn conn = {.mode = NITRO_CONN_CGI, .fd = STDOUT_FILENO};
	nitro_req req;

	signal(SIGPIPE, SIG_IGN);
	nitro__req_init(&req, app);
	if (req.arena == NULL)
		return nitro__errcode();
	nitro__req_begin(&req, &conn, environ);
	/* stdin is the body; nothing is left to drain when it is a tty. */
	if (isatty(STDIN_FILENO))
		req.body_eof = 1;
	nitro__dispatch(&req);
	nitro__req_end(&req);
	nitro__req_destroy(&req);
	return 0;
}
