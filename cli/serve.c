/*
 * `nitro serve`: an application behind nginx on this machine, in the
 * foreground, for development and demos.
 *
 * It writes an nginx configuration into a run directory (from the
 * template in deploy/nginx/serve.conf.in), starts N workers, each on its
 * own unix socket, which serve keeps open across the worker's restarts
 * (so that nginx's connections wait for the next program rather than
 * fail; cli/serve_proc.c), then nginx with "daemon off".  Every child is
 * started by this process and stopped by it, by PID: on SIGINT or SIGTERM
 * workers get SIGTERM (they finish in-flight requests) and nginx SIGQUIT,
 * and whatever remains after the grace period gets SIGKILL.
 *
 * A worker that dies after it has started is replaced at once; one that
 * dies while starting waits, 100 ms doubling to 30 s (cli/serve_proc.c).
 * If nginx dies, what is left of it is killed and it is started again;
 * if it does not come up, serve stops.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <nitro/core.h>

#include "cli/cli.h"
#include "cli/serve.h"

long long nitro__serve_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int nitro__serve_fail(const char *msg, const char *detail)
{
	nitro_log(NITRO_LOG_ERROR, msg, "detail", detail, NULL);
	return -1;
}

static void usage(FILE *f)
{
	fputs("usage: nitro serve --app PATH [--port 8080] [--workers N]\n"
	    "                   [--streams N] [--user NAME] [--run-dir DIR]\n"
	    "                   [--max-body SIZE] [--static DIR] [--no-rate-limit]\n"
	    "                   [--watch [--build CMD]] [--print-config]\n"
	    "                   [-- APP-ARGUMENTS...]\n", f);
}

/* A program from the environment variable env, else PATH, else the
 * system directories that PATH often lacks for non-root users. */
static const char *find_program(const char *env, const char *name)
{
	static const char *const extra[] = { "/usr/sbin", "/usr/local/sbin",
	    "/sbin", NULL };
	static char found[2][PATH_MAX];
	static int slot;
	const char *path = getenv("PATH"), *v = getenv(env);
	char *buf = found[slot++ % 2];

	if (v != NULL && *v != '\0')
		return v;
	while (path != NULL && *path != '\0') {
		size_t n = strcspn(path, ":");

		if (n > 0 && snprintf(buf, PATH_MAX, "%.*s/%s", (int)n, path,
		    name) < PATH_MAX && access(buf, X_OK) == 0)
			return buf;
		path += n + (path[n] == ':');
	}
	for (size_t i = 0; extra[i] != NULL; i++)
		if (snprintf(buf, PATH_MAX, "%s/%s", extra[i], name) < PATH_MAX &&
		    access(buf, X_OK) == 0)
			return buf;
	return NULL;
}

static int parse_uint(const char *s, unsigned lo, unsigned hi, unsigned *out)
{
	char *end;
	unsigned long v;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < lo || v > hi)
		return -1;
	*out = (unsigned)v;
	return 0;
}

/* nginx's size syntax: digits and at most one k or m. */
static int nginx_size(const char *v)
{
	size_t d = strspn(v, "0123456789");

	return d > 0 && strspn(v + d, "kKmM") == strlen(v + d) && strlen(v + d) <= 1;
}

static int parse_args(struct serve *s, int argc, char **argv, int *print)
{
	const char *run_dir = "var/run";
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	s->port = 8080;
	s->nworkers = cpus < 1 ? 1 : cpus > 16 ? 16 : (unsigned)cpus;
	s->streams = SERVE_STREAMS;
	s->body_max = "2m";
	s->watch.fd = -1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--") == 0) {
			s->app_argv = argv + i + 1;
			s->app_argc = argc - i - 1;
			break;
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(stdout);
			return 1;
		} else if (strcmp(a, "--print-config") == 0) {
			*print = 1;
			continue;
		} else if (strcmp(a, "--no-rate-limit") == 0) {
			s->no_rate_limit = 1;
			continue;
		} else if (strcmp(a, "--watch") == 0) {
			s->watch.on = 1;
			continue;
		}
		if (v == NULL) {
			fprintf(stderr, "nitro serve: %s needs a value\n", a);
			return -1;
		}
		i++;
		if (strcmp(a, "--app") == 0) {
			s->app = v;
		} else if (strcmp(a, "--port") == 0) {
			if (parse_uint(v, 1, 65535, &s->port) != 0) {
				fprintf(stderr, "nitro serve: bad port %s\n", v);
				return -1;
			}
		} else if (strcmp(a, "--workers") == 0) {
			if (parse_uint(v, 1, SERVE_MAX_WORKERS, &s->nworkers) != 0) {
				fprintf(stderr, "nitro serve: workers must be 1..%d\n",
				    SERVE_MAX_WORKERS);
				return -1;
			}
		} else if (strcmp(a, "--streams") == 0) {
			if (parse_uint(v, 1, 1000000, &s->streams) != 0) {
				fprintf(stderr, "nitro serve: streams must be 1..1000000\n");
				return -1;
			}
		} else if (strcmp(a, "--user") == 0) {
			s->user = v;
		} else if (strcmp(a, "--run-dir") == 0) {
			run_dir = v;
		} else if (strcmp(a, "--build") == 0) {
			s->watch.build = v;
		} else if (strcmp(a, "--static") == 0) {
			struct stat st;

			if (realpath(v, s->static_dir) == NULL ||
			    stat(s->static_dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
				fprintf(stderr, "nitro serve: --static %s is not a "
				    "directory\n", v);
				return -1;
			}
			/* It is written into nginx.conf as it is. */
			if (strpbrk(s->static_dir, " \t\n\r;{}\"'$\\#") != NULL) {
				fprintf(stderr, "nitro serve: --static %s: a path with "
				    "spaces or nginx syntax in it\n", v);
				return -1;
			}
		} else if (strcmp(a, "--max-body") == 0) {
			if (!nginx_size(v)) {
				fprintf(stderr, "nitro serve: bad size %s\n", v);
				return -1;
			}
			s->body_max = v;
		} else {
			fprintf(stderr, "nitro serve: unknown option %s\n", a);
			return -1;
		}
	}
	if (s->app == NULL) {
		fputs("nitro serve: --app PATH is required\n", stderr);
		return -1;
	}
	if (nitro__serve_user(s) != 0 || nitro__serve_run_dir(s, run_dir) != 0)
		return -1;
	if (realpath(s->app, s->app_path) == NULL || access(s->app_path, X_OK) != 0) {
		fprintf(stderr, "nitro serve: %s is not an executable program\n",
		    s->app);
		return -1;
	}
	for (unsigned i = 0; i < s->nworkers; i++) {
		int n = snprintf(s->w[i].sock, sizeof(s->w[i].sock), "%s/w%u.sock",
		    s->run_dir, i);

		if (n < 0 || (size_t)n >= sizeof(s->w[i].sock)) {
			fprintf(stderr, "nitro serve: run directory path too long "
			    "for a unix socket: %s\n", s->run_dir);
			return -1;
		}
	}
	return 0;
}

/* nginx has died (it was up: serve waited for it to listen): kill what is
 * left of it, since its workers keep the port, then start it again.  If
 * it does not come up, serve stops. */
static int nginx_died(struct serve *s)
{
	nitro__serve_kill_nginx_group(s);
	nitro_log(NITRO_LOG_WARN, "nginx died; restarting", NULL);
	return nitro__serve_start_nginx(s);
}

int nitro__cli_serve(int argc, char **argv)
{
	static struct serve s;
	sigset_t mask;
	int print = 0, rc, status = 0;
	char url[64];

	if ((rc = parse_args(&s, argc, argv, &print)) != 0)
		return rc < 0 ? (usage(stderr), 2) : 0;
	nitro__serve_size(&s);
	if (nitro__serve_write_config(&s, print) != 0)
		return 1;
	if (print)
		return 0;
	if ((s.nginx = find_program("NITRO_NGINX", "nginx")) == NULL)
		return nitro__serve_fail("nginx not found",
		    "install the Debian package nginx"), 1;
	if (nitro__serve_port_open(s.port)) {
		snprintf(url, sizeof(url), "127.0.0.1:%u", s.port);
		return nitro__serve_fail("the port is already in use", url), 1;
	}
	if (nitro__serve_become_reaper() != 0)
		nitro_log(NITRO_LOG_WARN, "cannot become a child subreaper", NULL);

	/* Signals are taken synchronously with sigtimedwait(). */
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGCHLD);
	sigprocmask(SIG_BLOCK, &mask, &s.old_mask);

	for (unsigned i = 0; i < s.nworkers; i++) {
		s.w[i].backoff = SERVE_BACKOFF_MIN_MS;
		if (nitro__serve_start_worker(&s, &s.w[i]) < 0) {
			nitro__serve_fail("cannot start a worker", strerror(errno));
			nitro__serve_stop_all(&s);
			return 1;
		}
	}
	if (nitro__serve_start_nginx(&s) != 0) {
		nitro__serve_stop_all(&s);
		return 1;
	}
	if (s.watch.on && nitro__serve_watch_start(&s) != 0) {
		nitro__serve_stop_all(&s);
		return 1;
	}
	snprintf(url, sizeof(url), "http://127.0.0.1:%u/", s.port);
	printf("nitro: serving %s with %u worker%s at %s  (Ctrl-C stops)\n",
	    s.app, s.nworkers, s.nworkers == 1 ? "" : "s", url);
	fflush(stdout);

	for (;;) {
		/* A worker counts as started once serve has seen its threads:
		 * look often while one has not been seen, so that a worker that
		 * served and then died is not taken for one that cannot start. */
		struct timespec wait = { 0, (nitro__serve_all_up(&s) ? 100 : 10) * 1000000L };
		int sig = sigtimedwait(&mask, NULL, &wait);

		if (sig == SIGINT || sig == SIGTERM)
			break;
		if (nitro__serve_reap(&s) && nginx_died(&s) != 0) {
			status = 1;
			break;
		}
		nitro__serve_tick(&s);
		nitro__serve_watch_tick(&s);
	}
	nitro_log(NITRO_LOG_INFO, "stopping", NULL);
	nitro__serve_stop_all(&s);
	return status;
}
