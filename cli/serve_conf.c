/*
 * What `nitro serve` prepares before it starts anything: the user nginx's
 * workers run as, the run directory, the sizes of nginx and the open-file
 * limit, and nginx.conf from the template deploy/nginx/serve.conf.in.
 *
 * The run directory holds the worker sockets, and FastCGI has no
 * authentication: whoever can connect to a socket can send any request as
 * any client.  So the directory is 0750 and the sockets 0660, both in the
 * group of nginx's workers (when serve runs as root; otherwise nginx runs
 * as the same user as everything else).
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nitro/core.h>
#include <nitro/fcgi.h>

#include "cli/cli.h"
#include "cli/serve.h"

#define RUN_DIR_MODE	0750
/* nginx's connections beyond the streams' two each (client and worker):
 * pages, assets and actions. */
#define SPARE_CONNECTIONS	1024
/* Descriptors of a process beyond its connections: logs, listeners,
 * the database, temp files. */
#define SPARE_FILES		256
/* The user nginx's workers run as when serve is started by root: the one
 * Debian's nginx uses, else nobody. */
static const char *const default_users[] = { "www-data", "nobody", NULL };

int nitro__serve_user(struct serve *s)
{
	struct passwd *pw = NULL;
	struct group *gr;

	if (geteuid() != 0) {
		if (s->user != NULL) {
			fprintf(stderr, "nitro serve: --user needs root; nginx runs "
			    "as you otherwise\n");
			return -1;
		}
		return 0;
	}
	if (s->user != NULL)
		pw = getpwnam(s->user);
	for (int i = 0; s->user == NULL && default_users[i] != NULL; i++)
		if ((pw = getpwnam(default_users[i])) != NULL)
			s->user = default_users[i];
	if (pw == NULL || pw->pw_uid == 0) {
		fprintf(stderr, "nitro serve: %s: nginx's workers need an "
		    "unprivileged user (--user NAME)\n", s->user ? s->user : "no user");
		return -1;
	}
	s->uid = pw->pw_uid;
	s->gid = pw->pw_gid;
	if ((gr = getgrgid(s->gid)) == NULL ||
	    snprintf(s->group, sizeof(s->group), "%s", gr->gr_name) >=
	    (int)sizeof(s->group)) {
		fprintf(stderr, "nitro serve: user %s has no group name\n", s->user);
		return -1;
	}
	return 0;
}

/* mkdir -p: what it creates on the way is 0755 (it holds nothing), the
 * last directory mode. */
static int make_dirs(const char *path, mode_t mode)
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
			if (mkdir(buf, c == '\0' ? mode : 0755) != 0 && errno != EEXIST)
				return -1;
			*p = c;
			if (c == '\0')
				break;
		}
	}
	return 0;
}

/* A directory of serve's own: mode RUN_DIR_MODE whatever it was before,
 * in nginx's group when serve runs as root. */
static int own_dir(const struct serve *s, const char *path)
{
	if (make_dirs(path, RUN_DIR_MODE) != 0 ||
	    (s->user != NULL && chown(path, (uid_t)-1, s->gid) != 0) ||
	    chmod(path, RUN_DIR_MODE) != 0) {
		fprintf(stderr, "nitro serve: directory %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* Can nginx's user reach the sockets in dir?  Asked of the kernel, by a
 * child that becomes that user: every directory above counts. */
static int user_reaches(const struct serve *s, const char *dir)
{
	int status;
	pid_t pid = fork();

	if (pid == 0)
		_exit(setgroups(0, NULL) == 0 && setgid(s->gid) == 0 &&
		    setuid(s->uid) == 0 && access(dir, X_OK) == 0 ? 0 : 1);
	return pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	    WEXITSTATUS(status) == 0;
}

int nitro__serve_run_dir(struct serve *s, const char *path)
{
	char tmpd[PATH_MAX + 16];

	if (own_dir(s, path) != 0)
		return -1;
	if (realpath(path, s->run_dir) == NULL) {
		fprintf(stderr, "nitro serve: run directory %s: %s\n", path,
		    strerror(errno));
		return -1;
	}
	snprintf(tmpd, sizeof(tmpd), "%s/tmp", s->run_dir);
	if (own_dir(s, tmpd) != 0)
		return -1;
	if (s->user != NULL && !user_reaches(s, s->run_dir)) {
		fprintf(stderr, "nitro serve: nginx's user %s cannot reach the run "
		    "directory %s (a directory above it is closed to others); "
		    "choose another --run-dir, such as /run/nitro-serve\n",
		    s->user, s->run_dir);
		return -1;
	}
	return 0;
}

/*
 * Every stream is two connections in nginx (the browser's and the
 * worker's) and a descriptor in the worker.  nginx runs one worker
 * process, so it needs connections for every stream of every worker; the
 * open-file limit (inherited by nginx and the workers) is raised for that
 * as far as the hard limit allows (root may raise the hard limit too).
 */
void nitro__serve_size(struct serve *s)
{
	struct rlimit rl;
	unsigned long long need = 2ULL * s->nworkers * s->streams + SPARE_CONNECTIONS;
	unsigned long long files = need + SPARE_FILES, have;
	char held[24], want[24];

	if (files < s->streams + SPARE_FILES)
		files = s->streams + SPARE_FILES;
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		rl.rlim_cur = rl.rlim_max = 1024;
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < files) {
		struct rlimit up = { files, files };

		if (setrlimit(RLIMIT_NOFILE, &up) == 0)
			rl = up;
	}
	have = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > files ? files : rl.rlim_max;
	if (have > rl.rlim_cur) {
		rl.rlim_cur = have;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (have < 2 * SPARE_FILES)
		have = 2 * SPARE_FILES;	/* nginx says so if it cannot */
	s->nofile = have;
	s->connections = have - SPARE_FILES < need ? have - SPARE_FILES : need;
	if (s->connections < need) {
		snprintf(held, sizeof(held), "%lu", s->connections > SPARE_CONNECTIONS ?
		    (s->connections - SPARE_CONNECTIONS) / 2 : 0);
		snprintf(want, sizeof(want), "%llu", (unsigned long long)s->nworkers *
		    s->streams);
		nitro_log(NITRO_LOG_WARN, "the open-file limit caps the streams "
		    "nginx can hold; raise it (ulimit -Hn) or lower --streams",
		    "streams", held, "workers_hold", want, NULL);
	}
}

/*
 * --static DIR: nginx serves DIR at /static/ the way nitro_app_static()
 * does when it is not there (fcgi/static.c): the Cache-Control rule of
 * <nitro/fcgi.h>, nginx's ETag and Last-Modified, 404 for a directory, a
 * dot segment or a symbolic link below DIR, no listing.  The map is
 * at http level; the location goes in the server.
 */
static void static_conf(const struct serve *s, nitro_buf *map, nitro_buf *loc)
{
	if (s->static_dir[0] == '\0')
		return;
	nitro_buf_printf(map,
	    "\tmap $uri $nitro_static_cache {\n"
	    "\t\t\"~%s\" \"%s\";\n"
	    "\t\tdefault \"%s\";\n"
	    "\t}\n", NITRO_STATIC_HASHED_RE, NITRO_STATIC_CACHE_HASHED,
	    NITRO_STATIC_CACHE_OTHER);
	nitro_buf_printf(loc,
	    "\t\tlocation ^~ /static/ {\n"
	    "\t\t\talias %s/;\n"
	    "\t\t\tlimit_except GET { deny all; }\n"
	    "\t\t\tsendfile on;\n"
	    "\t\t\ttcp_nopush on;\n"
	    "\t\t\tautoindex off;\n"
	    "\t\t\tdisable_symlinks on from=%s;\n"
	    "\t\t\tcharset utf-8;\n"
	    "\t\t\tif ($uri ~ \"/\\.|/$\") { return 404; }\n"
	    "\t\t\ttry_files $uri =404;\n"
	    "\t\t\tadd_header Cache-Control $nitro_static_cache;\n"
	    "\t\t\tadd_header X-Content-Type-Options nosniff;\n"
	    "\t\t}\n", s->static_dir, s->static_dir);
}

int nitro__serve_write_config(struct serve *s, int print)
{
	nitro_buf smap = NITRO_BUF_INIT, sloc = NITRO_BUF_INIT;
	nitro_buf up = NITRO_BUF_INIT, conf = NITRO_BUF_INIT;
	char listen[32], path[PATH_MAX + 16], user[160], conns[24], files[24];
	int rc = 1, fd = -1;

	for (unsigned i = 0; i < s->nworkers; i++)
		nitro_buf_printf(&up, "%sserver unix:%s;", i ? "\n\t\t" : "",
		    s->w[i].sock);
	snprintf(listen, sizeof(listen), "127.0.0.1:%u", s->port);
	user[0] = '\0';
	if (s->user != NULL)
		snprintf(user, sizeof(user), "user %s %s;", s->user, s->group);
	snprintf(conns, sizeof(conns), "%lu", s->connections);
	snprintf(files, sizeof(files), "%lu", s->nofile);
	static_conf(s, &smap, &sloc);
	const char *const vars[] = {
		"USER_LINE", user,
		"RUN_DIR", s->run_dir,
		"LISTEN", listen,
		"UPSTREAM", up.err ? "" : up.data,
		"BODY_MAX", s->body_max,
		"CONNECTIONS", conns,
		"NOFILE", files,
		"RATE", s->no_rate_limit ? "#" : "",
		"STATIC_MAP", smap.data ? smap.data : "",
		"STATIC", sloc.data ? sloc.data : "",
		NULL
	};
	if (up.err || smap.err || sloc.err || nitro__cli_fill(&conf, nitro__cli_nginx_template, vars) != 0) {
		nitro__serve_fail("cannot build the nginx configuration", nitro_errmsg());
		goto out;
	}
	if (print) {
		fwrite(conf.data, 1, conf.len, stdout);
		rc = fflush(stdout) == 0 ? 0 : 1;
		goto out;
	}
	snprintf(path, sizeof(path), "%s/nginx.conf", s->run_dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	if (fd < 0 || write(fd, conf.data, conf.len) != (ssize_t)conf.len) {
		nitro__serve_fail("cannot write the nginx configuration", path);
		goto out;
	}
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	nitro_buf_free(&up);
	nitro_buf_free(&conf);
	nitro_buf_free(&smap);
	nitro_buf_free(&sloc);
	return rc;
}
