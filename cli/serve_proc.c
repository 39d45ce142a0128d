/*
 * The processes of `nitro serve`: workers and nginx, started, reaped,
 * restarted and stopped by PID.
 *
 * Each worker listens on a unix socket of its own that serve makes once
 * and keeps open across the worker's restarts, handing it to every
 * program it starts on fd 0 (as spawn-fcgi would).  While one program
 * stops (finishing what it accepted) and the next starts, as a --watch
 * restart does, nginx's connections wait in the socket's backlog for the
 * new one: none is refused or reset, so that no request, a POST
 * included, is answered 502, and nginx never takes the worker for dead.
 *
 * serve is a child subreaper (Linux): a process whose parent dies comes
 * back to serve, not to init.  That matters for nginx: its workers do not
 * notice a master killed with SIGKILL, and would keep the port and answer
 * 502 forever.  They stay in the master's process group (the master is
 * made a group leader before exec), so serve kills that group when the
 * master is gone, reaps its members, and only then starts nginx again.
 */
#include <errno.h>
#include <stdio.h>
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

#include "cli/serve.h"

#define NGINX_UP_MS	5000	/* nginx listens within this, or failed */
#define GROUP_GONE_MS	5000	/* a killed process group is reaped within this */
#define GRACE_MS	15000	/* children stop gracefully within this */
#define TICK_MS		50

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

int nitro__serve_become_reaper(void)
{
#ifdef PR_SET_CHILD_SUBREAPER
	return prctl(PR_SET_CHILD_SUBREAPER, 1) == 0 ? 0 : -1;
#else
	return 0;
#endif
}

/* In a child: its own process group (a terminal's Ctrl-C reaches serve
 * only, which then stops the children in order; nginx's workers join the
 * master's group), SIGTERM if serve dies, default signal handling, then
 * exec, with listen_fd (when not -1) on fd 0. */
static pid_t spawn(struct serve *s, char *const *argv, int listen_fd)
{
	pid_t pid = fork();

	if (pid == 0) {
		if (listen_fd >= 0 && dup2(listen_fd, STDIN_FILENO) < 0)
			_exit(127);
		setpgid(0, 0);
#ifdef __linux__
		prctl(PR_SET_PDEATHSIG, SIGTERM);
#endif
		sigprocmask(SIG_SETMASK, &s->old_mask, NULL);
		execv(argv[0], argv);
		fprintf(stderr, "nitro serve: exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (pid > 0)
		setpgid(pid, pid);	/* either side may win; both agree */
	return pid;
}

/* The worker's socket, made on its first start: mode 0660, in nginx's
 * group when serve runs as root. */
static int worker_socket(struct serve *s, struct serve_worker *w)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, e;

	if (w->listening)
		return w->fd;
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	memcpy(sa.sun_path, w->sock, sizeof(sa.sun_path));
	unlink(w->sock);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(fd, SOMAXCONN) != 0 ||
	    chmod(w->sock, 0660) != 0 ||
	    (s->user != NULL && chown(w->sock, (uid_t)-1, s->gid) != 0)) {
		e = errno;
		close(fd);
		unlink(w->sock);
		errno = e;
		return -1;
	}
	w->listening = 1;
	return w->fd = fd;
}

pid_t nitro__serve_start_worker(struct serve *s, struct serve_worker *w)
{
	char *argv[2 + 64];
	int n = 0, fd;
	pid_t pid;

	if ((fd = worker_socket(s, w)) < 0)
		return -1;
	argv[n++] = s->app_path;
	for (int i = 0; i < s->app_argc && i < 64; i++)
		argv[n++] = s->app_argv[i];
	argv[n] = NULL;
	if ((pid = spawn(s, argv, fd)) < 0)
		return -1;
	w->pid = pid;
	w->up = 0;
	w->started = nitro__serve_now_ms();
	return pid;
}

int nitro__serve_port_open(unsigned port)
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

/* nginx with "daemon off", up once it accepts connections: 0, or -1 (its
 * error log shown) when it exited or did not listen in time. */
int nitro__serve_start_nginx(struct serve *s)
{
	char conf[PATH_MAX + 16], elog[PATH_MAX + 32];
	char *argv[] = { (char *)s->nginx, "-p", s->run_dir, "-c", conf,
	    "-e", elog, NULL };
	long long deadline;

	snprintf(conf, sizeof(conf), "%s/nginx.conf", s->run_dir);
	snprintf(elog, sizeof(elog), "%s/nginx-error.log", s->run_dir);
	if ((s->nginx_pid = spawn(s, argv, -1)) < 0) {
		s->nginx_pid = 0;
		return nitro__serve_fail("cannot start nginx", strerror(errno));
	}
	s->nginx_pgid = s->nginx_pid;
	deadline = nitro__serve_now_ms() + NGINX_UP_MS;
	while (!nitro__serve_port_open(s->port)) {
		if (nitro__serve_reap(s) || nitro__serve_now_ms() >= deadline) {
			nitro__serve_fail("nginx did not start", s->run_dir);
			show_nginx_errors(s);
			nitro__serve_kill_nginx_group(s);
			return -1;
		}
		sleep_ms(TICK_MS);
	}
	return 0;
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

/* A worker has died: when it had started, it is replaced at once (its
 * back-off starts over); when it could not start, it waits, longer each
 * time. */
static void worker_died(struct serve_worker *w, int status, int stopping)
{
	long long t = nitro__serve_now_ms();
	char how[32], pid[16], wait[24];

	describe_exit(status, how, sizeof(how));
	snprintf(pid, sizeof(pid), "%ld", (long)w->pid);
	w->pid = 0;
	if (stopping)
		return;
	if (w->up || t - w->started >= SERVE_STARTED_MS) {
		w->backoff = SERVE_BACKOFF_MIN_MS;
		w->restart_at = t;
		nitro_log(NITRO_LOG_WARN, "worker died; restarting", "pid", pid,
		    "how", how, "socket", w->sock, NULL);
		return;
	}
	w->restart_at = t + w->backoff;
	snprintf(wait, sizeof(wait), "%ld", w->backoff);
	nitro_log(NITRO_LOG_WARN, "worker did not start; retrying", "pid", pid,
	    "how", how, "socket", w->sock, "wait_ms", wait, NULL);
	w->backoff = w->backoff * 2 > SERVE_BACKOFF_MAX_MS ?
	    SERVE_BACKOFF_MAX_MS : w->backoff * 2;
}

/* Reap every child that has exited, adopted orphans included; returns 1
 * when the nginx master has gone. */
int nitro__serve_reap(struct serve *s)
{
	int status, nginx_gone = 0;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if (pid == s->nginx_pid) {
			s->nginx_pid = 0;
			nginx_gone = 1;
			continue;
		}
		for (unsigned i = 0; i < s->nworkers; i++)
			if (s->w[i].pid == pid)
				worker_died(&s->w[i], status, s->stopping);
		/* Anything else was an orphan that came back to us. */
	}
	return nginx_gone;
}

/* Has the worker started its threads?  The runtime starts its hub and
 * accept threads once it is ready to serve; a program that is still
 * opening its database, or failing to, has one thread. */
static int runs_threads(pid_t pid)
{
	char path[40], line[128];
	int n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/status", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "Threads: %d", &n) == 1)
			break;
	fclose(f);
	return n > 1;
}

/* Every tick of the loop: note the workers that have started, and start
 * those whose wait is over. */
void nitro__serve_tick(struct serve *s)
{
	long long t = nitro__serve_now_ms();

	for (unsigned i = 0; i < s->nworkers; i++) {
		struct serve_worker *w = &s->w[i];

		if (w->pid > 0 && !w->up)
			w->up = runs_threads(w->pid);
		if (w->pid == 0 && !s->stopping && w->restart_at <= t &&
		    nitro__serve_start_worker(s, w) < 0) {
			w->restart_at = t + w->backoff;
			nitro_log(NITRO_LOG_ERROR, "cannot restart a worker",
			    "detail", strerror(errno), NULL);
		}
	}
}

int nitro__serve_all_up(const struct serve *s)
{
	for (unsigned i = 0; i < s->nworkers; i++)
		if (s->w[i].pid > 0 && !s->w[i].up)
			return 0;
	return 1;
}

static int group_alive(pid_t pgid)
{
	return pgid > 0 && (kill(-pgid, 0) == 0 || errno != ESRCH);
}

/* Kill what is left of nginx (the master, its workers: its process group)
 * and wait until every member is reaped, so that nothing holds the port. */
void nitro__serve_kill_nginx_group(struct serve *s)
{
	long long deadline = nitro__serve_now_ms() + GROUP_GONE_MS;

	if (s->nginx_pgid <= 0)
		return;
	if (s->nginx_pid > 0)
		kill(s->nginx_pid, SIGKILL);
	kill(-s->nginx_pgid, SIGKILL);
	while (group_alive(s->nginx_pgid) && nitro__serve_now_ms() < deadline) {
		nitro__serve_reap(s);
		sleep_ms(TICK_MS / 5);
	}
	s->nginx_pgid = 0;
}

static int children_left(const struct serve *s)
{
	if (s->nginx_pid > 0 || group_alive(s->nginx_pgid))
		return 1;
	for (unsigned i = 0; i < s->nworkers; i++)
		if (s->w[i].pid > 0)
			return 1;
	return 0;
}

/* Stop everything started here, by PID; the grace period lets in-flight
 * requests finish.  nginx's group is killed at the end in any case. */
void nitro__serve_stop_all(struct serve *s)
{
	long long deadline = nitro__serve_now_ms() + GRACE_MS;
	int killed = 0;

	s->stopping = 1;
	for (unsigned i = 0; i < s->nworkers; i++)
		if (s->w[i].pid > 0)
			kill(s->w[i].pid, SIGTERM);
	if (s->nginx_pid > 0)
		kill(s->nginx_pid, SIGQUIT);	/* graceful: serve what is open */
	while (children_left(s)) {
		nitro__serve_reap(s);
		if (s->nginx_pid == 0 && s->nginx_pgid > 0)
			nitro__serve_kill_nginx_group(s);	/* stragglers */
		if (!killed && nitro__serve_now_ms() >= deadline) {
			nitro_log(NITRO_LOG_WARN, "grace period over; killing", NULL);
			for (unsigned i = 0; i < s->nworkers; i++)
				if (s->w[i].pid > 0)
					kill(s->w[i].pid, SIGKILL);
			nitro__serve_kill_nginx_group(s);
			killed = 1;
		}
		sleep_ms(TICK_MS);
	}
	for (unsigned i = 0; i < s->nworkers; i++) {
		if (s->w[i].listening)
			close(s->w[i].fd);
		s->w[i].listening = 0;
		unlink(s->w[i].sock);
	}
}
