/*
 * The application: routes, limits, settings, and nitro_app_run(), which
 * chooses how to serve (a socket of its own, spawn-fcgi's socket on fd 0,
 * or one CGI request) and stops cleanly on SIGTERM or SIGINT.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/transport.h"
#include "fcgi/internal.h"

/* Events the in-memory transport keeps for replay (see nitro_app_opts). */
enum { LOCAL_EVENTS = 4096 };

void nitro_limits_default(struct nitro_limits *lim)
{
	lim->body_bytes = 1u << 20;
	lim->params = 256;
	lim->name_bytes = 256;
	lim->value_bytes = 64u << 10;
	lim->header_bytes = 32u << 10;
	lim->cookies = 64;
	lim->parts = 64;
	lim->part_bytes = 1u << 20;
	lim->part_header_bytes = 4u << 10;
	lim->json_depth = 32;
	lim->path_bytes = 4096;
}

static unsigned default_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 2 ? 2 : n > 64 ? 64 : (unsigned)n;
}

/* A zero field of o takes the default's. */
static void limits_merge(struct nitro_limits *d, const struct nitro_limits *o)
{
#define NITRO__MERGE(f) if (o->f) d->f = o->f
	NITRO__MERGE(body_bytes); NITRO__MERGE(params); NITRO__MERGE(name_bytes);
	NITRO__MERGE(value_bytes); NITRO__MERGE(header_bytes); NITRO__MERGE(cookies);
	NITRO__MERGE(parts); NITRO__MERGE(part_bytes); NITRO__MERGE(part_header_bytes);
	NITRO__MERGE(json_depth); NITRO__MERGE(path_bytes);
}

static void hub_merge(struct nitro_hub_opts *d, const struct nitro_hub_opts *o)
{
	NITRO__MERGE(max_streams); NITRO__MERGE(heartbeat_ms); NITRO__MERGE(poll_ms);
	NITRO__MERGE(queue_bytes); NITRO__MERGE(write_timeout_ms);
#undef NITRO__MERGE
}

nitro_app *nitro_app_new(const struct nitro_app_opts *opts)
{
	static const struct nitro_app_opts none;
	const struct nitro_app_opts *o = opts ? opts : &none;
	nitro_app *app = calloc(1, sizeof *app);

	if (app == NULL) {
		nitro__oom(NULL);
		return NULL;
	}
	app->wake_fd = -1;
	app->aside_fd = -1;
	app->listen_fd = -1;
	app->router = nitro__router_new();
	app->transport = o->transport;
	if (app->transport == NULL) {
		app->transport = nitro__mem_transport_new(LOCAL_EVENTS);
		app->own_transport = 1;
	}
	if (app->router == NULL || app->transport == NULL) {
		nitro_app_free(app);
		nitro__oom(NULL);
		return NULL;
	}
	nitro_limits_default(&app->limits);
	limits_merge(&app->limits, &o->limits);
	app->hub_opts = (struct nitro_hub_opts){10000, 15000, 10, 256u << 10, 10000};
	hub_merge(&app->hub_opts, &o->hub);
	app->threads = o->threads == 0 ? default_threads() : o->threads > 1024 ? 1024 : o->threads;
	app->grace = o->grace_seconds ? o->grace_seconds : 10;
	app->io_timeout_ms = o->io_timeout_ms ? o->io_timeout_ms : NITRO_IO_TIMEOUT_MS;
	app->access_log = !o->no_access_log;
	app->csrf_check = !o->no_csrf_check;
	if (o->json_prefix != NULL && (app->json_prefix = strdup(o->json_prefix)) == NULL) {
		nitro_app_free(app);
		nitro__oom(NULL);
		return NULL;
	}
	/* A local Datastar bundle is a static file like any other; the page
	 * shell points at it (NITRO_DATASTAR_LOCAL). */
	const char *js = nitro_config_str("NITRO_DATASTAR_JS", "");
	if (*js != '\0' && nitro_app_static(app, NITRO_DATASTAR_LOCAL, js, NULL) != 0) {
		char why[300];

		snprintf(why, sizeof why, "%s", nitro_errmsg());
		nitro_app_free(app);
		nitro_error(NITRO_EIO, "NITRO_DATASTAR_JS: %s", why);
		return NULL;
	}
	return app;
}

void nitro_app_free(nitro_app *app)
{
	if (app == NULL)
		return;
	nitro__router_free(app->router);
	nitro__mw_free(app);
	while (app->owned != NULL) {
		struct nitro__owned *o = app->owned;

		app->owned = o->next;
		o->free(o->p);
		free(o);
	}
	free(app->json_prefix);
	if (app->own_transport)
		nitro_transport_free(app->transport);
	if (app->wake_fd >= 0)
		close(app->wake_fd);
	if (app->aside_fd >= 0)
		close(app->aside_fd);
	free(app);
}

int nitro_route(nitro_app *app, const char *pattern, nitro_handler h, void *udata)
{
	if (h == NULL)
		return nitro_error(NITRO_EINVAL, "route %s: no handler", pattern);
	return nitro__router_add(app->router, pattern, h, udata);
}

int nitro__app_own(nitro_app *app, void (*free_fn)(void *), void *p)
{
	struct nitro__owned *o = malloc(sizeof *o);

	if (o == NULL)
		return nitro__oom(NULL);
	*o = (struct nitro__owned){free_fn, p, app->owned};
	app->owned = o;
	return 0;
}

nitro_transport *nitro_app_transport(nitro_app *app)
{
	return app->transport;
}

void nitro__efd_post(int fd)
{
	uint64_t one = 1;

	if (write(fd, &one, sizeof one) < 0) {
		/* EAGAIN: the counter is full, so it is readable anyway */
	}
}

void nitro__efd_drain(int fd)
{
	uint64_t v;

	if (read(fd, &v, sizeof v) < 0) {
		/* EAGAIN: it was not readable */
	}
}

/* Called from the SIGTERM handler too: only async-signal-safe calls. */
void nitro_app_stop(nitro_app *app)
{
	long long zero = 0;

	/* The path goes first, so that nothing new queues on the socket
	 * that the accept threads now drain (worker.c). */
	nitro__listen_unlink(&app->own);
	atomic_compare_exchange_strong(&app->stop_ms, &zero, nitro__now_ms() + 1);
	atomic_store(&app->stopping, 1);
	if (app->wake_fd >= 0)
		nitro__efd_post(app->wake_fd);
}

/* ---- signals ----------------------------------------------------------- */

static nitro_app *signal_app;

static void on_stop_signal(int sig)
{
	int saved = errno;

	(void)sig;
	if (signal_app != NULL)
		nitro_app_stop(signal_app);	/* an atomic store and a write */
	errno = saved;
}

static void install_signals(nitro_app *app)
{
	struct sigaction sa;

	signal_app = app;
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_stop_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	/* A client that goes away must give EPIPE, not kill the worker. */
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

/* ---- run ----------------------------------------------------------------- */

static int is_listening_socket(int fd)
{
	int v = 0;
	socklen_t len = sizeof v;

	return getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &v, &len) == 0 && v;
}

static int parse_args(nitro_app *app, int argc, char **argv,
    const char **listen, int *public_ok)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--listen") == 0 && i + 1 < argc) {
			*listen = argv[++i];
		} else if (strncmp(a, "--listen=", 9) == 0) {
			*listen = a + 9;
		} else if (strcmp(a, "--public") == 0) {
			*public_ok = 1;
		} else if ((strcmp(a, "--threads") == 0 && i + 1 < argc) ||
		    strncmp(a, "--threads=", 10) == 0) {
			const char *v = a[9] == '=' ? a + 10 : argv[++i];
			char *end;
			long n = strtol(v, &end, 10);
			if (*end != '\0' || n < 1 || n > 1024)
				return nitro_error(NITRO_EINVAL,
				    "--threads %s: expected a number from 1 to 1024", v);
			app->threads = (unsigned)n;
		}
	}
	return 0;
}

int nitro_app_run(nitro_app *app, int argc, char **argv)
{
	const char *listen = getenv("NITRO_LISTEN");
	int public_ok = 0, fd, rc;
	char tbuf[16];

	if ((rc = parse_args(app, argc, argv, &listen, &public_ok)) != 0) {
		nitro_log(NITRO_LOG_ERROR, "cannot start", "error", nitro_errmsg(), NULL);
		return rc;
	}
	if (listen == NULL && !is_listening_socket(STDIN_FILENO))
		return nitro__serve_cgi(app);

	app->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (app->wake_fd < 0 || FCGX_Init() != 0) {
		nitro_log(NITRO_LOG_ERROR, "cannot start", "error",
		    "eventfd or FCGX_Init failed", NULL);
		return nitro_error(NITRO_EIO, "eventfd or FCGX_Init failed");
	}
	/* After FCGX_Init, whose own handlers must not win. */
	install_signals(app);
	if (listen != NULL && *listen != '\0') {
		fd = nitro__listen(listen, public_ok, &app->own);
		if (fd < 0) {
			nitro_log(NITRO_LOG_ERROR, "cannot listen", "error", nitro_errmsg(), NULL);
			return fd;
		}
	} else {
		fd = STDIN_FILENO;
		listen = "fd:0";
	}
	if ((rc = nitro__app_hub_start(app)) != 0) {
		nitro_log(NITRO_LOG_ERROR, "cannot start the stream hub", "error",
		    nitro_errmsg(), NULL);
		if (fd != STDIN_FILENO)
			close(fd);
		return rc;
	}
	snprintf(tbuf, sizeof tbuf, "%u", app->threads);
	nitro_log(NITRO_LOG_INFO, "listening", "addr", listen, "threads", tbuf, NULL);
	rc = nitro__serve_fcgi(app, fd);
	nitro__app_hub_stop(app);
	if (fd != STDIN_FILENO) {
		close(fd);
		nitro__listen_unlink(&app->own);	/* a stop on an error */
	}
	if (rc != 0) {
		nitro_log(NITRO_LOG_ERROR, "stopped on an error", "error", nitro_errmsg(), NULL);
		return rc;
	}
	nitro_log(NITRO_LOG_INFO, "stopped", NULL);
	return 0;
}
