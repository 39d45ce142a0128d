/*
 * `nitro new NAME`: an application skeleton in ./NAME that builds against
 * the installed libnitro through pkg-config (autotools), with one entity,
 * one page, one live stream, accounts and their tests, ready for `nitro
 * serve`.
 *
 * The files are the templates under cli/templates/, made into C string
 * literals at build time (cli/new_templates.h), so what people read and
 * edit there is what the command writes.  In them @NAME@ is the name and
 * @CNAME@ its automake-canonical form (- becomes _); a file named
 * dot-X is written as .X, and *.sh files are executable.
 *
 * Nothing is overwritten: an existing ./NAME is refused, and when writing
 * fails halfway, what was created is removed again.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nitro/core.h>

#include "cli/cli.h"
#include "cli/new.h"

#define NAME_MAX_LEN	40
#define MAX_CREATED	64

struct tmpl {
	const char *path;
	const char *text;
};

static const struct tmpl templates[] = {
#include "cli/new_templates.h"
};
#define NTEMPLATES (sizeof(templates) / sizeof(templates[0]))

/*
 * Names that would clash inside the skeleton: make targets (a program
 * "check" would be built by `make check`), its own files and folders, a
 * "makefile" that make reads before Makefile, and programs people run.
 */
static const char *const reserved[] = {
	"all", "check", "clean", "ctags", "cscope", "dist", "distcheck",
	"distclean", "distdir", "dvi", "html", "info", "install",
	"installcheck", "installdirs", "maintainer-clean", "mostlyclean",
	"pdf", "ps", "tags", "uninstall",
	"build-aux", "configure", "makefile", "src", "tests", "var",
	"nitro", "test",
	NULL
};

struct created {
	char path[MAX_CREATED][PATH_MAX];
	int is_dir[MAX_CREATED];
	size_t n;
};

static int usage(FILE *f)
{
	fputs("usage: nitro new NAME\n"
	    "  Create ./NAME, a Nitro application skeleton: autotools, one entity,\n"
	    "  one page, one live stream (SSE), accounts (signup, login), tests,\n"
	    "  a README.\n"
	    "  NAME: a lower-case letter, then lower-case letters, digits, - or _\n"
	    "  (at most 40 characters).\n", f);
	return f == stdout ? 0 : 2;
}

/* 0 when name is acceptable; otherwise prints why and returns -1. */
static int check_name(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > NAME_MAX_LEN || name[0] < 'a' || name[0] > 'z' ||
	    strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789-_") != n) {
		fprintf(stderr, "nitro new: \"%s\" is not a valid name: use a "
		    "lower-case letter, then lower-case letters, digits, - or _ "
		    "(at most %d characters)\n", name, NAME_MAX_LEN);
		return -1;
	}
	for (size_t i = 0; reserved[i] != NULL; i++)
		if (strcmp(name, reserved[i]) == 0) {
			fprintf(stderr, "nitro new: \"%s\" is reserved (a make "
			    "target, a file of the skeleton, or a command); "
			    "choose another name\n", name);
			return -1;
		}
	return 0;
}

static int remember(struct created *c, const char *path, int is_dir)
{
	if (c->n >= MAX_CREATED)
		return -1;
	snprintf(c->path[c->n], PATH_MAX, "%s", path);
	c->is_dir[c->n++] = is_dir;
	return 0;
}

/* Remove what was created, newest first (files before their folders). */
static void undo(struct created *c)
{
	while (c->n > 0) {
		c->n--;
		if (c->is_dir[c->n])
			rmdir(c->path[c->n]);
		else
			unlink(c->path[c->n]);
	}
}

/* dir/tpath with "dot-" before the base name turned into "." */
static int dest_path(char *out, size_t cap, const char *dir, const char *tpath)
{
	const char *base = strrchr(tpath, '/');
	size_t head = base ? (size_t)(base - tpath) + 1 : 0;
	int n;

	base = tpath + head;
	if (strncmp(base, "dot-", 4) == 0)
		n = snprintf(out, cap, "%s/%.*s.%s", dir, (int)head, tpath, base + 4);
	else
		n = snprintf(out, cap, "%s/%s", dir, tpath);
	return n < 0 || (size_t)n >= cap ? -1 : 0;
}

/* Create the folder holding path when it is not there yet. */
static int make_parent(struct created *c, const char *path)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');

	if (slash == NULL || (size_t)(slash - path) >= sizeof(dir))
		return -1;
	memcpy(dir, path, (size_t)(slash - path));
	dir[slash - path] = '\0';
	if (mkdir(dir, 0755) == 0)
		return remember(c, dir, 1);
	return errno == EEXIST ? 0 : -1;
}

static int write_file(struct created *c, const char *path, const char *data,
    size_t len, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	size_t off = 0;

	if (fd < 0)
		return -1;
	if (remember(c, path, 0) != 0) {
		close(fd);
		unlink(path);
		return -1;
	}
	while (off < len) {
		ssize_t w = write(fd, data + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			close(fd);
			return -1;
		}
		off += (size_t)w;
	}
	return close(fd);
}

static int is_script(const char *path)
{
	size_t n = strlen(path);

	return n > 3 && strcmp(path + n - 3, ".sh") == 0;
}

static int generate(const char *name, struct created *c)
{
	char cname[NAME_MAX_LEN + 1], path[PATH_MAX];
	const char *const vars[] = { "NAME", name, "CNAME", cname, NULL };
	nitro_buf out = NITRO_BUF_INIT;
	int rc = 0;

	/* automake's canonical form: anything but [A-Za-z0-9_] becomes _ */
	for (size_t i = 0; i <= strlen(name); i++)
		cname[i] = name[i] == '-' ? '_' : name[i];
	if (mkdir(name, 0755) != 0) {
		if (errno == EEXIST)
			fprintf(stderr, "nitro new: ./%s already exists; choose "
			    "another name, or move it away first\n", name);
		else
			fprintf(stderr, "nitro new: cannot create ./%s: %s\n", name,
			    strerror(errno));
		return -1;
	}
	remember(c, name, 1);
	for (size_t i = 0; i < NTEMPLATES && rc == 0; i++) {
		const struct tmpl *t = &templates[i];

		nitro_buf_reset(&out);
		if (dest_path(path, sizeof(path), name, t->path) != 0 ||
		    nitro__cli_fill(&out, t->text, vars) != 0) {
			fprintf(stderr, "nitro new: template %s: %s\n", t->path,
			    nitro_errmsg());
			rc = -1;
		} else if (make_parent(c, path) != 0 ||
		    write_file(c, path, out.data, out.len,
		    is_script(path) ? 0755 : 0644) != 0) {
			fprintf(stderr, "nitro new: cannot write %s: %s\n", path,
			    strerror(errno));
			rc = -1;
		}
	}
	nitro_buf_free(&out);
	return rc;
}

int nitro__cli_new(int argc, char **argv)
{
	static struct created c;
	const char *name;

	if (argc == 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0))
		return usage(stdout);
	if (argc != 2)
		return usage(stderr);
	name = argv[1];
	if (name[0] == '-') {
		fprintf(stderr, "nitro new: unknown option %s\n", name);
		return usage(stderr);
	}
	if (check_name(name) != 0)
		return 2;
	c.n = 0;
	if (generate(name, &c) != 0) {
		undo(&c);
		return 1;
	}
	printf("nitro: created ./%s, a Nitro application. Next:\n\n"
	    "  cd %s\n"
	    "  ./autogen.sh && ./configure && make && make check\n"
	    "  nitro serve --app ./%s      # then open http://127.0.0.1:8080/\n\n"
	    "%s/README.md tells what is where.\n", name, name, name, name);
	return 0;
}
