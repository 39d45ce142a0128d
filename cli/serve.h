/*
 * cli/serve.h: the pieces of `nitro serve` (cli/serve*.c).  serve.c reads
 * the command line and runs the loop; serve_conf.c prepares what nginx
 * needs (its configuration, sizes, user and run directory); serve_proc.c
 * starts, reaps and stops the processes.
 */
#ifndef NITRO_CLI_SERVE_H
#define NITRO_CLI_SERVE_H

#include <limits.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/un.h>

#define SERVE_MAX_WORKERS	256
/* A worker has started once it runs the runtime's threads (seen in
 * /proc), or has run this long: one that dies after it has started died
 * while serving and is replaced at once; one that dies before could not
 * start and waits BACKOFF_MIN_MS, doubling to BACKOFF_MAX_MS. */
#define SERVE_STARTED_MS	1000
#define SERVE_BACKOFF_MIN_MS	100
#define SERVE_BACKOFF_MAX_MS	30000
/* The streams a worker holds unless told otherwise: the runtime's
 * default max_streams (struct nitro_hub_opts). */
#define SERVE_STREAMS		10000

struct serve_worker {
	pid_t pid;		/* 0: not running */
	long long started;	/* ms */
	int up;			/* has started (see SERVE_STARTED_MS) */
	long long restart_at;	/* ms; when pid is 0 */
	long backoff;		/* ms; the next wait of a worker that cannot start */
	int listening;		/* fd is its listening socket, kept across restarts */
	int fd;
	char sock[sizeof(((struct sockaddr_un *)0)->sun_path)];
};

struct serve {
	const char *app;
	const char *nginx;
	unsigned port;
	unsigned nworkers;
	unsigned streams;	/* per worker, for sizing nginx */
	const char *body_max;
	int no_rate_limit;	/* --no-rate-limit: nginx's limit_req off */
	char static_dir[PATH_MAX];	/* --static: served at /static/ ("": none) */
	const char *user;	/* nginx's workers' user when started as root */
	char group[64];		/* its group: owns the run directory and sockets */
	uid_t uid;
	gid_t gid;
	unsigned long connections;	/* nginx's worker_connections */
	unsigned long nofile;		/* nginx's worker_rlimit_nofile */
	char run_dir[PATH_MAX];
	char app_path[PATH_MAX];
	char **app_argv;	/* extra arguments after "--" */
	int app_argc;
	pid_t nginx_pid;	/* the master; also its process group */
	pid_t nginx_pgid;	/* its workers' group, until it is empty */
	int stopping;		/* no restarts: everything is being stopped */
	sigset_t old_mask;	/* what children get back before exec */
	struct serve_worker w[SERVE_MAX_WORKERS];
	struct {		/* --watch (serve_watch.c) */
		int on;
		const char *build;	/* --build CMD; NULL: make */
		int fd;			/* inotify, or -1 */
		size_t ndirs;
		long long dirty_at;	/* ms of the last source change; 0: none */
		int roll;		/* workers restarted so far; -1: none under way */
		pid_t old_pid;		/* the last one signalled */
	} watch;
};

long long nitro__serve_now_ms(void);
int nitro__serve_fail(const char *msg, const char *detail);

/* serve_conf.c */
int nitro__serve_user(struct serve *s);
int nitro__serve_run_dir(struct serve *s, const char *path);
void nitro__serve_size(struct serve *s);
int nitro__serve_write_config(struct serve *s, int print);

/* serve_proc.c */
int nitro__serve_become_reaper(void);
pid_t nitro__serve_start_worker(struct serve *s, struct serve_worker *w);
int nitro__serve_start_nginx(struct serve *s);
int nitro__serve_reap(struct serve *s);
void nitro__serve_tick(struct serve *s);
/* 1 when every running worker has been seen to start its threads. */
int nitro__serve_all_up(const struct serve *s);
void nitro__serve_kill_nginx_group(struct serve *s);
void nitro__serve_stop_all(struct serve *s);
int nitro__serve_port_open(unsigned port);

/* serve_watch.c */
int nitro__serve_watch_start(struct serve *s);
void nitro__serve_watch_tick(struct serve *s);

#endif
