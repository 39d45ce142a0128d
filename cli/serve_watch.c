/*
 * `nitro serve --watch`: rebuild when a source file changes and restart
 * the workers gracefully.
 *
 * inotify watches the project directory (the working directory) and its
 * subdirectories, except dot directories and the run directory; a change
 * to a source file (.c, .h, or a template: .html, .tpl, .css, .js) marks
 * the tree dirty, and once it has been quiet for WATCH_DEBOUNCE_MS the
 * build command runs (make, or --build CMD) with its output on serve's.
 * A failed build changes nothing: the old workers keep serving and the
 * compiler's errors are on the terminal.  A good one restarts the workers
 * one at a time: SIGTERM makes a worker stop accepting, finish the
 * requests in flight and cut its live streams (the pages reconnect by
 * themselves, to the other workers, then to the new one), and serve's
 * reaper starts the new program on its socket; the next worker is
 * restarted only once the new one runs.  With two workers or more, nginx
 * always has one to pass a request to.
 */
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nitro/core.h>

#include "cli/serve.h"

/* A burst of saves (an editor's, a checkout's) is one change. */
#define WATCH_DEBOUNCE_MS 300
/* Directories watched at most: the source tree, not a node_modules. */
#define WATCH_MAX_DIRS 1024
/* Bytes of inotify events read at once. */
#define WATCH_BUF 16384

/* The files whose change means a rebuild. */
static const char *const source_ext[] = { ".c", ".h", ".html", ".tpl", ".css",
	".js", NULL };

static int is_source(const char *name)
{
	size_t n = strlen(name);

	if (name[0] == '.')
		return 0;	/* editors' swap and lock files */
	for (int i = 0; source_ext[i] != NULL; i++) {
		size_t e = strlen(source_ext[i]);

		if (n > e && strcmp(name + n - e, source_ext[i]) == 0)
			return 1;
	}
	return 0;
}

/* Watch dir and every subdirectory below it but dot directories and the
 * run directory. */
static void watch_tree(struct serve *s, const char *dir, int depth)
{
	char real[PATH_MAX], sub[PATH_MAX];
	struct dirent *e;
	DIR *d;

	if (s->watch.ndirs >= WATCH_MAX_DIRS || depth > 16 ||
	    realpath(dir, real) == NULL || strcmp(real, s->run_dir) == 0)
		return;
	if (inotify_add_watch(s->watch.fd, real, IN_CLOSE_WRITE | IN_MOVED_TO |
	    IN_DELETE | IN_CREATE | IN_ONLYDIR) < 0)
		return;
	s->watch.ndirs++;
	if ((d = opendir(real)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		struct stat st;

		if (e->d_name[0] == '.' ||
		    snprintf(sub, sizeof sub, "%s/%s", real, e->d_name) >= (int)sizeof sub ||
		    lstat(sub, &st) != 0 || !S_ISDIR(st.st_mode))
			continue;
		watch_tree(s, sub, depth + 1);
	}
	closedir(d);
}

int nitro__serve_watch_start(struct serve *s)
{
	s->watch.fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (s->watch.fd < 0)
		return nitro__serve_fail("cannot watch the sources (inotify)",
		    strerror(errno));
	watch_tree(s, ".", 0);
	s->watch.roll = -1;
	return 0;
}

/* Run the build command in the project directory; its output goes to
 * serve's.  1 when it succeeded. */
static int build(struct serve *s)
{
	const char *cmd = s->watch.build ? s->watch.build : "make";
	int status;
	pid_t pid;

	nitro_log(NITRO_LOG_INFO, "sources changed; building", "command", cmd, NULL);
	if ((pid = fork()) == 0) {
		sigprocmask(SIG_SETMASK, &s->old_mask, NULL);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	if (pid < 0)
		return 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 1;
	nitro_log(NITRO_LOG_ERROR, "the build failed; the running workers stay",
	    "command", cmd, NULL);
	return 0;
}

/* Read what inotify has; 1 when a source file changed (a new directory
 * is watched too). */
static int changed(struct serve *s)
{
	char buf[WATCH_BUF] __attribute__((aligned(__alignof__(struct inotify_event))));
	int any = 0;
	ssize_t n;

	while ((n = read(s->watch.fd, buf, sizeof buf)) > 0) {
		for (char *p = buf; p < buf + n; ) {
			struct inotify_event *ev = (struct inotify_event *)p;

			if (ev->len > 0 && (ev->mask & IN_ISDIR) && (ev->mask & IN_CREATE))
				any = 1;	/* a new directory: rewatch below */
			else if (ev->len > 0 && is_source(ev->name))
				any = 1;
			p += sizeof *ev + ev->len;
		}
	}
	return any;
}

/* Restart the next worker once the one restarted before runs again. */
static void roll(struct serve *s)
{
	struct serve_worker *w;

	if (s->watch.roll < 0)
		return;
	if (s->watch.roll > 0) {
		w = &s->w[s->watch.roll - 1];
		if (w->pid == 0 || w->pid == s->watch.old_pid || !w->up)
			return;	/* the old one is finishing, or the new one starting */
	}
	if ((unsigned)s->watch.roll == s->nworkers) {
		s->watch.roll = -1;
		nitro_log(NITRO_LOG_INFO, "every worker runs the new build", NULL);
		return;
	}
	w = &s->w[s->watch.roll++];
	s->watch.old_pid = w->pid;
	if (w->pid > 0)
		kill(w->pid, SIGTERM);
}

void nitro__serve_watch_tick(struct serve *s)
{
	long long now = nitro__serve_now_ms();

	if (s->watch.fd < 0)
		return;
	if (changed(s)) {
		s->watch.dirty_at = now;
		watch_tree(s, ".", 0);	/* inotify ignores a second watch */
	}
	roll(s);
	if (s->watch.dirty_at == 0 || now - s->watch.dirty_at < WATCH_DEBOUNCE_MS)
		return;
	/* A restart under way is started over with the new build: its new
	 * worker may be one that cannot start, which would wait forever. */
	s->watch.dirty_at = 0;
	if (build(s)) {
		/* What the build wrote is no change of the sources. */
		changed(s);
		s->watch.roll = 0;
		roll(s);
	}
}
