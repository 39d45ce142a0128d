/*
 * `nitro serve`: an application behind nginx on this machine, in the
 * foreground, for development and demos.
 *
 * It writes an nginx configuration into a run directory (from the
 * template in deploy/nginx/serve.conf.in), starts N workers with
 * spawn-fcgi, each on its own unix socket (spawn-fcgi refuses a socket
 * that is in use, so one socket per worker is what lets a single dead
 * worker be restarted), then nginx with "daemon off".  Every child is
 * started by this process and stopped by it, by PID: on SIGINT or SIGTERM
 * workers get SIGTERM (they finish in-flight requests) and nginx SIGQUIT,
 * and whatever remains after the grace period gets SIGKILL.  A worker that
 * dies is restarted with a back-off that doubles from 100 ms to 30 s and
 * resets once a worker has run for a minute.  If nginx dies, serve stops.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <nitro/core.h>

#include "cli/cli.h"

#define MAX_WORKERS	256
#define GRACE_SECONDS	15
#define BACKOFF_MIN_MS	100
#define BACKOFF_MAX_MS	30000
#define STABLE_MS	60000

struct worker {
	pid_t pid;		/* 0: not running */
	long long started;	/* ms */
	long long restart_at;	/* ms; when pid is 0 */
	long backoff;		/* ms */
	char sock[sizeof(((struct sockaddr_un *)0)->sun_path)];
};

struct serve {
	const char *app;
	const char *nginx;
	const char *spawn;
	unsigned port;
	unsigned nworkers;
	const char *body_max;
	char run_dir[PATH_MAX];
	char app_path[PATH_MAX];
	char **app_argv;	/* extra arguments after "--" */
	int app_argc;
	pid_t nginx_pid;
	struct worker w[MAX_WORKERS];
};

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void usage(FILE *f)
{
	fputs("usage: nitro serve --app PATH [--port 8080] [--workers N]\n"
	    "                   [--run-dir DIR] [--max-body SIZE] [--print-config]\n"
	    "                   [-- APP-ARGUMENTS...]\n", f);
}

static int fail(const char *msg, const char *detail)
{
	nitro_log(NITRO_LOG_ERROR, msg, "detail", detail, NULL);
	return 1;
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

/* mkdir -p with mode 0750 for what it creates. */
static int make_dirs(const char *path)
{
	char buf[PATH_MAX];
	size_t n = strlen(path);

	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, path, n + 1);
	for (char *p = buf + 1; ; p++) {
		if (*p == '/' || *p == '\0') {
			char c = *p;

			*p = '\0';
			if (mkdir(buf, 0750) != 0 && errno != EEXIST)
				return -1;
			*p = c;
			if (c == '\0')
				break;
		}
	}
	return 0;
}

static int parse_args(struct serve *s, int argc, char **argv, int *print)
{
	const char *run_dir = "var/run";
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	s->port = 8080;
	s->nworkers = cpus < 1 ? 1 : cpus > 16 ? 16 : (unsigned)cpus;
	s->body_max = "2m";
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
			if (parse_uint(v, 1, MAX_WORKERS, &s->nworkers) != 0) {
				fprintf(stderr, "nitro serve: workers must be 1..%d\n",
				    MAX_WORKERS);
				return -1;
			}
		} else if (strcmp(a, "--run-dir") == 0) {
			run_dir = v;
		} else if (strcmp(a, "--max-body") == 0) {
			/* nginx's size syntax: digits and one k or m. */
			if (strspn(v, "0123456789") == 0 ||
			    strspn(v, "0123456789") + strspn(v + strspn(v,
			    "0123456789"), "kKmM") != strlen(v) ||
			    strlen(v) - strspn(v, "0123456789") > 1) {
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
	if (make_dirs(run_dir) != 0 || realpath(run_dir, s->run_dir) == NULL) {
		fprintf(stderr, "nitro serve: run directory %s: %s\n", run_dir,
		    strerror(errno));
		return -1;
	}
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

static int write_config(struct serve *s, int print)
{
	nitro_buf up = NITRO_BUF_INIT, conf = NITRO_BUF_INIT;
	char listen[32], path[PATH_MAX + 16], tmpd[PATH_MAX + 16];
	int rc = 1, fd = -1;

	for (unsigned i = 0; i < s->nworkers; i++)
		nitro_buf_printf(&up, "%sserver unix:%s;", i ? "\n\t\t" : "",
		    s->w[i].sock);
	snprintf(listen, sizeof(listen), "127.0.0.1:%u", s->port);
	const char *const vars[] = {
		"USER_LINE", geteuid() == 0 ? "user root;" : "",
		"RUN_DIR", s->run_dir,
		"LISTEN", listen,
		"UPSTREAM", up.err ? "" : up.data,
		"BODY_MAX", s->body_max,
		NULL
	};
	if (up.err || nitro__cli_fill(&conf, nitro__cli_nginx_template, vars) != 0) {
		fail("cannot build the nginx configuration", nitro_errmsg());
		goto out;
	}
	if (print) {
		fwrite(conf.data, 1, conf.len, stdout);
		rc = fflush(stdout) == 0 ? 0 : 1;
		goto out;
	}
	snprintf(tmpd, sizeof(tmpd), "%s/tmp", s->run_dir);
	snprintf(path, sizeof(path), "%s/nginx.conf", s->run_dir);
	if (make_dirs(tmpd) != 0) {
		fail("cannot create the temp directory", tmpd);
		goto out;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	if (fd < 0 || write(fd, conf.data, conf.len) != (ssize_t)conf.len) {
		fail("cannot write the nginx configuration", path);
		goto out;
	}
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	nitro_buf_free(&up);
	nitro_buf_free(&conf);
	return rc;
}

/* In a child: its own process group (a terminal's Ctrl-C reaches serve
 * only, which then stops the children in order), SIGTERM if serve dies,
 * default signal handling, then exec. */
static void exec_child(char *const *argv, const sigset_t *old)
{
	setpgid(0, 0);
#ifdef __linux__
	prctl(PR_SET_PDEATHSIG, SIGTERM);
#endif
	sigprocmask(SIG_SETMASK, old, NULL);
	execv(argv[0], argv);
	fprintf(stderr, "nitro serve: exec %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

static pid_t start_worker(struct serve *s, struct worker *w, const sigset_t *old)
{
	char *argv[12 + 64];
	int n = 0;
	pid_t pid;

	argv[n++] = (char *)s->spawn;
	argv[n++] = "-n";		/* no fork: the child is the worker */
	argv[n++] = "-s";
	argv[n++] = w->sock;
	argv[n++] = "-M";
	argv[n++] = "0660";
	argv[n++] = "--";
	argv[n++] = s->app_path;
	for (int i = 0; i < s->app_argc && i < 64; i++)
		argv[n++] = s->app_argv[i];
	argv[n] = NULL;
	if ((pid = fork()) == 0)
		exec_child(argv, old);
	if (pid < 0)
		return -1;
	w->pid = pid;
	w->started = now_ms();
	return pid;
}

static pid_t start_nginx(struct serve *s, const sigset_t *old)
{
	char conf[PATH_MAX + 16], elog[PATH_MAX + 32];
	char *argv[] = { (char *)s->nginx, "-p", s->run_dir, "-c", conf,
	    "-e", elog, NULL };
	pid_t pid;

	snprintf(conf, sizeof(conf), "%s/nginx.conf", s->run_dir);
	snprintf(elog, sizeof(elog), "%s/nginx-error.log", s->run_dir);
	if ((pid = fork()) == 0)
		exec_child(argv, old);
	return pid;
}

static int port_open(unsigned port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
	    .sin_port = htons((uint16_t)port) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), ok;

	if (fd < 0)
		return 0;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ok = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
	close(fd);
	return ok;
}

static void show_nginx_errors(const struct serve *s)
{
	char path[PATH_MAX + 32], line[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/nginx-error.log", s->run_dir);
	if ((f = fopen(path, "r")) == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL)
		fprintf(stderr, "nginx: %s", line);
	fclose(f);
}

static void describe_exit(int status, char *buf, size_t n)
{
	if (WIFEXITED(status))
		snprintf(buf, n, "exit %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, n, "signal %d", WTERMSIG(status));
	else
		snprintf(buf, n, "status %d", status);
}

/* Reap children; returns 1 when nginx has gone. */
static int reap(struct serve *s)
{
	int status, nginx_gone = 0;
	pid_t pid;
	char how[32], pidbuf[16];

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		describe_exit(status, how, sizeof(how));
		snprintf(pidbuf, sizeof(pidbuf), "%ld", (long)pid);
		if (pid == s->nginx_pid) {
			s->nginx_pid = 0;
			nginx_gone = 1;
			continue;
		}
		for (unsigned i = 0; i < s->nworkers; i++) {
			struct worker *w = &s->w[i];
			long long t = now_ms();

			if (w->pid != pid)
				continue;
			w->pid = 0;
			if (t - w->started >= STABLE_MS)
				w->backoff = BACKOFF_MIN_MS;
			w->restart_at = t + w->backoff;
			nitro_log(NITRO_LOG_WARN, "worker died; restarting",
			    "pid", pidbuf, "how", how, "socket", w->sock, NULL);
			w->backoff = w->backoff * 2 > BACKOFF_MAX_MS ?
			    BACKOFF_MAX_MS : w->backoff * 2;
		}
	}
	return nginx_gone;
}

static int children_left(const struct serve *s)
{
	if (s->nginx_pid > 0)
		return 1;
	for (unsigned i = 0; i < s->nworkers; i++)
		if (s->w[i].pid > 0)
			return 1;
	return 0;
}

/* Stop everything started here, by PID; the grace period lets in-flight
 * requests finish. */
static void stop_all(struct serve *s)
{
	long long deadline = now_ms() + GRACE_SECONDS * 1000;
	int killed = 0;

	for (unsigned i = 0; i < s->nworkers; i++) {
		s->w[i].restart_at = 0;
		if (s->w[i].pid > 0)
			kill(s->w[i].pid, SIGTERM);
	}
	if (s->nginx_pid > 0)
		kill(s->nginx_pid, SIGQUIT);	/* graceful: serve what is open */
	while (children_left(s)) {
		struct timespec ts = { 0, 50 * 1000000L };
		int status;
		pid_t pid;

		while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
			if (pid == s->nginx_pid)
				s->nginx_pid = 0;
			for (unsigned i = 0; i < s->nworkers; i++)
				if (s->w[i].pid == pid)
					s->w[i].pid = 0;
		}
		if (pid < 0 && errno == ECHILD)
			break;
		if (!killed && now_ms() >= deadline) {
			nitro_log(NITRO_LOG_WARN, "grace period over; killing", NULL);
			for (unsigned i = 0; i < s->nworkers; i++)
				if (s->w[i].pid > 0)
					kill(s->w[i].pid, SIGKILL);
			if (s->nginx_pid > 0)
				kill(s->nginx_pid, SIGKILL);
			killed = 1;
		}
		nanosleep(&ts, NULL);
	}
	for (unsigned i = 0; i < s->nworkers; i++)
		unlink(s->w[i].sock);
}

int nitro__cli_serve(int argc, char **argv)
{
	static struct serve s;
	sigset_t mask, old;
	int print = 0, rc, status = 0;
	char url[64];

	if ((rc = parse_args(&s, argc, argv, &print)) != 0)
		return rc < 0 ? (usage(stderr), 2) : 0;
	if (write_config(&s, print) != 0)
		return 1;
	if (print)
		return 0;
	if ((s.nginx = find_program("NITRO_NGINX", "nginx")) == NULL)
		return fail("nginx not found", "install the Debian package nginx");
	if ((s.spawn = find_program("NITRO_SPAWN_FCGI", "spawn-fcgi")) == NULL)
		return fail("spawn-fcgi not found", "install the Debian package spawn-fcgi");
	if (port_open(s.port)) {
		snprintf(url, sizeof(url), "127.0.0.1:%u", s.port);
		return fail("the port is already in use", url);
	}

	/* Signals are taken synchronously with sigtimedwait(). */
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGCHLD);
	sigprocmask(SIG_BLOCK, &mask, &old);

	for (unsigned i = 0; i < s.nworkers; i++) {
		s.w[i].backoff = BACKOFF_MIN_MS;
		if (start_worker(&s, &s.w[i], &old) < 0) {
			fail("cannot start a worker", strerror(errno));
			stop_all(&s);
			return 1;
		}
	}
	if ((s.nginx_pid = start_nginx(&s, &old)) < 0) {
		s.nginx_pid = 0;
		fail("cannot start nginx", strerror(errno));
		stop_all(&s);
		return 1;
	}
	/* Up when nginx accepts connections; gone early means it failed. */
	for (int i = 0; i < 100 && !port_open(s.port); i++) {
		struct timespec ts = { 0, 50 * 1000000L };

		if (reap(&s)) {
			fail("nginx did not start", s.run_dir);
			show_nginx_errors(&s);
			stop_all(&s);
			return 1;
		}
		nanosleep(&ts, NULL);
	}
	snprintf(url, sizeof(url), "http://127.0.0.1:%u/", s.port);
	printf("nitro: serving %s with %u worker%s at %s  (Ctrl-C stops)\n",
	    s.app, s.nworkers, s.nworkers == 1 ? "" : "s", url);
	fflush(stdout);

	for (;;) {
		struct timespec wait = { 0, 100 * 1000000L };
		int sig = sigtimedwait(&mask, NULL, &wait);
		long long t;

		if (sig == SIGINT || sig == SIGTERM)
			break;
		if (reap(&s)) {
			fail("nginx exited; stopping", s.run_dir);
			show_nginx_errors(&s);
			status = 1;
			break;
		}
		t = now_ms();
		for (unsigned i = 0; i < s.nworkers; i++) {
			struct worker *w = &s.w[i];

			if (w->pid == 0 && w->restart_at <= t &&
			    start_worker(&s, w, &old) < 0) {
				w->restart_at = t + w->backoff;
				nitro_log(NITRO_LOG_ERROR, "cannot restart a worker",
				    "detail", strerror(errno), NULL);
			}
		}
	}
	nitro_log(NITRO_LOG_INFO, "stopping", NULL);
	stop_all(&s);
	return status;
}
