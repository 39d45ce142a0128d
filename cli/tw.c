/*
 * `nitro tw build|watch`: Tailwind CSS for an application, with the
 * official Tailwind CLI (@tailwindcss/cli from npm) and nothing else.
 *
 * The classes an application uses are in its C sources (class attributes
 * written with the views layer) and its templates, so the input stylesheet
 * is generated: @import "tailwindcss" with an @source line per source
 * folder, in .nitro/tailwind.css.  The CLI is installed into the project
 * with npm the first time (node_modules/, package.json), and run on that
 * input, writing the application's static folder (static/tailwind.css
 * unless --out says).  Without npm the command says how to get it and
 * exits 3: it never downloads anything by other means.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nitro/core.h>

#include "cli/tw.h"

#define TW_MAX_SOURCES 16
#define TW_EXIT_NO_NPM 3
#define TW_INPUT ".nitro/tailwind.css"
#define TW_BIN "node_modules/.bin/tailwindcss"

/* Folders scanned for class names unless --src is given (those present). */
static const char *const default_sources[] = { "src", "templates", "views", "static", NULL };

static void usage(FILE *f)
{
	fprintf(f,
	    "usage: nitro tw build|watch [--dir DIR] [--src DIR]... [--out FILE] [--minify]\n"
	    "\n"
	    "Tailwind CSS for the application in DIR (default: here), with the\n"
	    "official Tailwind CLI from npm (@tailwindcss/cli, installed into DIR\n"
	    "with npm on first use).  The class names come from the --src folders\n"
	    "(default: those of src, templates, views, static that exist) through\n"
	    "a generated .nitro/tailwind.css; the result goes to --out (default\n"
	    "static/tailwind.css).  build writes it once; watch rebuilds on every\n"
	    "change until interrupted.  Without npm: exit status %d.\n",
	    TW_EXIT_NO_NPM);
}

static int is_dir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* 1 when prog is an executable file in $PATH. */
static int on_path(const char *prog)
{
	const char *path = getenv("PATH");
	char buf[4096];

	while (path != NULL && *path) {
		const char *end = strchr(path, ':');
		size_t n = end ? (size_t)(end - path) : strlen(path);

		if (n > 0 && n + strlen(prog) + 2 < sizeof buf) {
			memcpy(buf, path, n);
			buf[n] = '/';
			strcpy(buf + n + 1, prog);
			if (access(buf, X_OK) == 0)
				return 1;
		}
		path = end ? end + 1 : NULL;
	}
	return 0;
}

/* Run argv in dir and wait: its exit status, or -1 when it cannot run. */
static int run(const char *dir, char *const argv[])
{
	pid_t pid = fork();
	int st;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (chdir(dir) != 0)
			_exit(127);
		execvp(argv[0], argv);
		fprintf(stderr, "nitro tw: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

/* .nitro/tailwind.css: Tailwind with only the application's sources
 * (source(none): not the whole folder, node_modules and all). */
static int write_input(const char *dir, const char *const *src, size_t n)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof path, "%s/.nitro", dir);
	if (mkdir(path, 0755) != 0 && errno != EEXIST) {
		fprintf(stderr, "nitro tw: cannot make %s: %s\n", path, strerror(errno));
		return -1;
	}
	snprintf(path, sizeof path, "%s/" TW_INPUT, dir);
	if ((f = fopen(path, "w")) == NULL) {
		fprintf(stderr, "nitro tw: cannot write %s: %s\n", path, strerror(errno));
		return -1;
	}
	fprintf(f, "/* Made by nitro tw: the application's sources, for Tailwind CSS. */\n"
	    "@import \"tailwindcss\" source(none);\n");
	for (size_t i = 0; i < n; i++)
		fprintf(f, "@source \"../%s\";\n", src[i]);
	if (fclose(f) != 0) {
		fprintf(stderr, "nitro tw: cannot write %s\n", path);
		return -1;
	}
	return 0;
}

/* A source folder as the input file names it: relative to DIR, no quotes
 * or newlines that would end the @source string. */
static int source_ok(const char *s)
{
	return *s != '\0' && *s != '/' && strpbrk(s, "\"\\\n\r") == NULL &&
	    strstr(s, "..") == NULL;
}

int nitro__cli_tw(int argc, char **argv)
{
	const char *dir = ".", *out = "static/tailwind.css", *src[TW_MAX_SOURCES];
	size_t nsrc = 0;
	int watch, minify = 0, rc;
	char bin[4096], input[4096], outpath[4096];

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "build") == 0) {
		watch = 0;
	} else if (strcmp(argv[1], "watch") == 0) {
		watch = 1;
	} else {
		fprintf(stderr, "nitro tw: unknown subcommand \"%s\" (build or watch)\n", argv[1]);
		return 2;
	}
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--minify") == 0) {
			minify = 1;
		} else if (i + 1 < argc && strcmp(a, "--dir") == 0) {
			dir = argv[++i];
		} else if (i + 1 < argc && strcmp(a, "--out") == 0) {
			out = argv[++i];
		} else if (i + 1 < argc && strcmp(a, "--src") == 0) {
			if (nsrc == TW_MAX_SOURCES) {
				fprintf(stderr, "nitro tw: at most %d --src folders\n", TW_MAX_SOURCES);
				return 2;
			}
			src[nsrc++] = argv[++i];
		} else {
			fprintf(stderr, "nitro tw: unknown option \"%s\"\n", a);
			usage(stderr);
			return 2;
		}
	}
	if (!is_dir(dir)) {
		fprintf(stderr, "nitro tw: %s is not a folder\n", dir);
		return 1;
	}
	for (size_t i = 0; i < nsrc; i++)
		if (!source_ok(src[i])) {
			fprintf(stderr, "nitro tw: --src %s: a folder inside %s, please\n", src[i], dir);
			return 2;
		}
	if (nsrc == 0) {
		for (const char *const *d = default_sources; *d; d++) {
			char p[4096];

			snprintf(p, sizeof p, "%s/%s", dir, *d);
			if (is_dir(p))
				src[nsrc++] = *d;
		}
		if (nsrc == 0) {
			fprintf(stderr, "nitro tw: no sources in %s (src/, templates/, ...); "
			    "name them with --src\n", dir);
			return 1;
		}
	}
	snprintf(bin, sizeof bin, "%s/" TW_BIN, dir);
	if (access(bin, X_OK) != 0) {
		char *install[] = { "npm", "install", "--no-audit", "--no-fund", "--save-dev",
		    "@tailwindcss/cli", "tailwindcss", NULL };

		if (!on_path("npm")) {
			fprintf(stderr, "nitro tw: skipped: npm is not installed.  Tailwind's "
			    "CLI comes from npm: install Node.js and npm (Debian: apt-get install "
			    "npm), then run nitro tw again.\n");
			return TW_EXIT_NO_NPM;
		}
		fprintf(stderr, "nitro tw: installing @tailwindcss/cli with npm into %s\n", dir);
		if ((rc = run(dir, install)) != 0) {
			fprintf(stderr, "nitro tw: npm install failed (status %d)\n", rc);
			return 1;
		}
	}
	if (write_input(dir, src, nsrc) != 0)
		return 1;
	snprintf(input, sizeof input, TW_INPUT);
	snprintf(outpath, sizeof outpath, "%s", out);
	{
		char *args[8];
		int n = 0;

		args[n++] = TW_BIN;
		args[n++] = "-i";
		args[n++] = input;
		args[n++] = "-o";
		args[n++] = outpath;
		if (minify)
			args[n++] = "--minify";
		if (watch)
			args[n++] = "--watch=always";	/* also without a terminal */
		args[n] = NULL;
		/* The CLI writes the output's folder itself; relative paths
		 * are the project's, as the CLI runs there. */
		if (watch) {
			if (chdir(dir) != 0) {
				fprintf(stderr, "nitro tw: cannot enter %s\n", dir);
				return 1;
			}
			execv(args[0], args);
			fprintf(stderr, "nitro tw: cannot run %s: %s\n", args[0], strerror(errno));
			return 1;
		}
		rc = run(dir, args);
	}
	if (rc != 0) {
		fprintf(stderr, "nitro tw: tailwindcss failed (status %d)\n", rc);
		return 1;
	}
	fprintf(stderr, "nitro tw: wrote %s/%s\n", dir, out);
	return 0;
}
