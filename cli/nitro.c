/*
 * nitro: the command-line tool.  `nitro COMMAND [ARGS...]`; each command
 * lives in its own file and returns the exit status.
 */
#include <stdio.h>
#include <string.h>

#include <nitro/core.h>

#include "cli/cli.h"
#include "cli/db.h"
#include "cli/new.h"
#include "cli/tw.h"

#ifndef NITRO_VERSION
#define NITRO_VERSION "unknown"
#endif

static int cmd_help(int argc, char **argv);

static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{ "serve", nitro__cli_serve,
	    "run an application behind nginx with FastCGI workers" },
	{ "db", nitro_cli_db, "database migrations: status, migrate, new NAME" },
	{ "new", nitro__cli_new, "create an application skeleton in ./NAME" },
	{ "tw", nitro__cli_tw, "Tailwind CSS from the application's sources: build, watch" },
	{ "help", cmd_help, "show this help" },
};

static int cmd_help(int argc, char **argv)
{
	printf("usage: nitro COMMAND [ARGUMENTS...]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		printf("  %-8s %s\n", commands[i].name, commands[i].summary);
	printf("\n`nitro COMMAND --help` shows a command's options; "
	    "man nitro tells more.\n");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		cmd_help(0, NULL);
		return 2;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("nitro %s\n", NITRO_VERSION);
		return 0;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
		return cmd_help(0, NULL);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "nitro: unknown command \"%s\"; try nitro help\n", argv[1]);
	return 2;
}
